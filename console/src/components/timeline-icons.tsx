import { Coins, Gamepad2, MessageSquare, ShoppingBag, Star, StickyNote, Ticket, UserCog, UserPlus, type LucideIcon } from "lucide-react";
import type { TimelineKind } from "@mc/shared";

export const TIMELINE_ICON: Record<TimelineKind, LucideIcon> = {
  order: ShoppingBag,
  points: Coins,
  voucher: Ticket,
  game: Gamepad2,
  follow: UserPlus,
  message: MessageSquare,
  note: StickyNote,
  admin: UserCog,
  rating: Star,
};
