import type { Clock, EmulatorState } from "./state";
import type { WebhookSender } from "./webhooks";

/** What every route module gets: the state, the clock every time check must use, and the webhook sender. */
export type Ctx = { state: EmulatorState; clock: Clock; webhooks: WebhookSender; reset(): void };

export const header = (headers: Record<string, unknown>, name: string): string | undefined => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? String(v[0]) : typeof v === "string" ? v : undefined;
};
