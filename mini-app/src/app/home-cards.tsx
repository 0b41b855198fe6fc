import type { HomeCard } from "../features/home/home-page";
import { PhoneCard } from "../features/home/components/phone-card";
import { NameConsentCard } from "../features/home/components/name-consent-card";
import { OaFollowCard } from "../features/home/components/oa-follow-card";
import { StaffCounterCard } from "../features/staff/components/staff-counter-card";
import { PointsCard } from "../features/wallet/components/points-card";
import { MemberCard } from "../features/wallet/components/member-card";
import { GamesCard } from "../features/games/games-card";
import { OrderCard } from "../features/menu/components/order-card";
import { StaffOrdersCard } from "../features/staff-orders/staff-orders-card";

/**
 * The cards on the home screen, in order. Features add theirs here (points, vouchers, games, orders) so
 * the home feature never imports another feature.
 */
export const homeCards: HomeCard[] = [
  { id: "name-consent", Component: NameConsentCard },
  { id: "staff-counter", Component: StaffCounterCard },
  { id: "staff-orders", Component: StaffOrdersCard },
  { id: "points", Component: PointsCard },
  { id: "member", Component: MemberCard },
  { id: "order", Component: OrderCard },
  { id: "phone", Component: PhoneCard },
  { id: "oa", Component: OaFollowCard },
  { id: "games", Component: GamesCard },
];
