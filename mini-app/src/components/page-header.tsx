import type { ReactNode } from "react";

/** Our own header (app-config `actionBarHidden: true`): zmp-ui's Header draws its back arrow with the icon font. */
export function PageHeader({ title, right }: { title: string; right?: ReactNode }) {
  return (
    <header className="mc-page-header">
      <h1>{title}</h1>
      {right}
    </header>
  );
}
