import { atom } from "recoil";
import type { Customer } from "@mc/shared";

export type SessionState = { status: "loading" } | { status: "ready"; customer: Customer } | { status: "error"; code: string; message: string };

/** Who is signed in. Features read the customer from here; only the session module writes it. */
export const sessionState = atom<SessionState>({ key: "session", default: { status: "loading" } });
