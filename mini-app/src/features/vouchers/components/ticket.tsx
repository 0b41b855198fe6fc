import type { ReactNode } from "react";
import type { VoucherKind } from "@mc/shared";
import { Gift, TicketPercent } from "lucide-react";
import { ticketHeadline } from "../../../lib/voucher-labels";

/** A voucher drawn as a ticket: a coloured end with the value, then the body (text, actions). */
export function Ticket({
  kind,
  value,
  muted,
  children,
  onClick,
  testId,
  data,
}: {
  kind: VoucherKind;
  value: number;
  muted?: boolean;
  children: ReactNode;
  onClick?: () => void;
  testId?: string;
  data?: Record<string, string>;
}) {
  const dataAttrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  const Tag = onClick ? "button" : "div";
  return (
    <Tag className={`mcl-ticket${muted ? " muted" : ""}${onClick ? " tappable" : ""}`} onClick={onClick} data-testid={testId} {...dataAttrs}>
      <span className={`mcl-ticket-head kind-${kind}`}>
        {kind === "free_item" ? <Gift size={22} /> : <TicketPercent size={22} />}
        <b>{ticketHeadline({ kind, value })}</b>
      </span>
      <span className="mcl-ticket-body">{children}</span>
    </Tag>
  );
}
