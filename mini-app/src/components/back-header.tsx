import type { ReactNode } from "react";
import { ChevronLeft } from "lucide-react";
import { useLocation, useNavigate } from "react-router-dom";

/** The shell's page header plus a back arrow (lucide: zmp-ui's Header draws its arrow with the icon font). */
export function BackHeader({ title, fallback = "/", right }: { title: string; fallback?: string; right?: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  // "default" = the first entry of this router's history (opened straight on this screen): go to `fallback`.
  const back = () => (location.key === "default" ? navigate(fallback, { replace: true }) : navigate(-1));
  return (
    <header className="mc-page-header mcl-back-header">
      <button className="mcl-back" onClick={back} aria-label="Quay lại" data-testid="back">
        <ChevronLeft size={26} />
      </button>
      <h1>{title}</h1>
      <span className="mcl-back-right">{right}</span>
    </header>
  );
}
