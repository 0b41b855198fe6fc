import type { SourceFactory } from "./kit";
import { adminSource } from "./sources/admin";
import { followSource } from "./sources/follow";
import { gameSource } from "./sources/game";
import { messageSource } from "./sources/message";
import { noteSource } from "./sources/note";
import { orderSource } from "./sources/order";
import { pointsSource } from "./sources/points";
import { ratingSource } from "./sources/rating";
import { voucherSource } from "./sources/voucher";

/** Every kind of event in a person's timeline: a new kind is one file in sources/ and one line here (and its name in TIMELINE_KINDS). */
export const SOURCES: readonly SourceFactory[] = [
  orderSource,
  pointsSource,
  voucherSource,
  gameSource,
  followSource,
  messageSource,
  noteSource,
  adminSource,
  ratingSource,
];
