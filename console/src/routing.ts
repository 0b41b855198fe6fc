import { useEffect, useState } from "react";

/** Hash routes: #/dashboard, #/rules, #/broadcasts, #/broadcasts/<id>, #/zns, #/vouchers, #/games. */
export function useHashRoute(): string[] {
  const read = () => (window.location.hash.replace(/^#\/?/, "").split("?")[0] || "rules").split("/").filter(Boolean);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const on = () => setParts(read());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return parts;
}

// A `?query` after the path is the page's own (filters, a preset): see hashQuery below.
export const go = (path: string) => {
  window.location.hash = `#/${path}`;
};

/** The `?query` part of the hash (#/customers?tier=gold). */
export const hashQuery = () => new URLSearchParams(window.location.hash.split("?")[1] ?? "");

/** Rewrites the hash's query in place (no history entry, no hashchange): a page keeps its filters in the URL. */
export function replaceHashQuery(q: URLSearchParams) {
  const path = window.location.hash.split("?")[0] || "#/";
  const s = q.toString();
  window.history.replaceState(window.history.state, "", `${window.location.pathname}${window.location.search}${path}${s ? `?${s}` : ""}`);
}
