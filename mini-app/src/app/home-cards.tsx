import type { HomeCard } from "../features/home/home-page";
import { PhoneCard } from "../features/home/components/phone-card";
import { OaFollowCard } from "../features/home/components/oa-follow-card";

/**
 * The cards on the home screen, in order. Features add theirs here (points, vouchers, games, orders) so
 * the home feature never imports another feature.
 */
export const homeCards: HomeCard[] = [
  { id: "phone", Component: PhoneCard },
  { id: "oa", Component: OaFollowCard },
];
