import { useEffect, useState } from "react";

/** Hash routes: #/dashboard, #/rules, #/broadcasts, #/broadcasts/<id>, #/zns, #/vouchers, #/games. */
export function useHashRoute(): string[] {
  const read = () => (window.location.hash.replace(/^#\/?/, "") || "rules").split("/").filter(Boolean);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const on = () => setParts(read());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return parts;
}

export const go = (path: string) => {
  window.location.hash = `#/${path}`;
};
