import type { ComponentType } from "react";
import { Page } from "zmp-ui";
import { BadgeCheck } from "lucide-react";
import { roleLabel, useCustomer } from "../../session";
import { UserAvatar } from "../../components/avatar";
import "./home.css";

export type HomeCard = { id: string; Component: ComponentType };

function greetingTime(now = new Date()) {
  const h = now.getHours();
  return h < 11 ? "Chào buổi sáng" : h < 14 ? "Chào buổi trưa" : h < 18 ? "Chào buổi chiều" : "Chào buổi tối";
}

export function HomePage({ cards }: { cards: HomeCard[] }) {
  const [customer] = useCustomer();
  return (
    <Page className="mc-page" hideScrollbar>
      <div className="mc-hero" data-testid="home-hero">
        <div className="mc-hero-row">
          <UserAvatar src={customer.avatar} name={customer.name} size={56} />
          <div className="mc-hero-text">
            <span className="mc-hero-sub">{greetingTime()}</span>
            <span className="mc-hero-name" data-testid="greeting">
              Xin chào, {customer.name}
            </span>
          </div>
        </div>
        <span className={`mc-badge role-${customer.role}`} data-testid="member-badge">
          <BadgeCheck size={14} /> {roleLabel[customer.role]}
        </span>
      </div>
      <div className="mc-content mc-content-over-hero">
        {cards.map(({ id, Component }) => (
          <Component key={id} />
        ))}
      </div>
    </Page>
  );
}
