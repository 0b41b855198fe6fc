import type { ReactNode } from "react";

export function Card({ icon, title, children, testId }: { icon?: ReactNode; title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="mc-card" data-testid={testId}>
      <div className="mc-card-title">
        {icon ? <span className="mc-card-icon">{icon}</span> : null}
        <h2>{title}</h2>
      </div>
      <div className="mc-card-body">{children}</div>
    </section>
  );
}
