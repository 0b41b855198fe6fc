import { useCallback, useEffect, useRef, useState } from "react";
import type { TimelineItem, TimelineKind } from "@mc/shared";
import { toFailure } from "../../session";
import { fetchTimeline } from "./api";

const PAGE = 20;
/** The server's largest page (TimelineQuery). */
const MAX_PAGE = 100;

export type Timeline = {
  items: TimelineItem[];
  /** Cursor of the next page; null on the last one. */
  next: string | null;
  loading: boolean;
  /** The last failed load's code (the first page, or "Xem thêm"); the items shown stay. */
  error: string | null;
  /** Load the next page. */
  more: () => void;
  /** After an error: the first page again if nothing is shown, otherwise the page that failed. */
  retry: () => void;
};

/**
 * A person's timeline for some kinds, newest first, a page at a time (not useLoad: pages append). Other kinds
 * start from blank; a new `version` (a note was added) reloads the first page while the list stays on screen.
 * Only the newest request's answer is kept, so a slow page of a previous filter never shows.
 */
export function useTimeline(customerId: string, kinds: readonly TimelineKind[], version: number): Timeline {
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  // Which load failed: a retry asks for that one again.
  const failedMore = useRef(false);
  const seq = useRef(0);
  const shown = useRef<string | null>(null);
  const key = kinds.join(",");
  const kindsNow = useRef(kinds);
  kindsNow.current = kinds;
  const count = useRef(0);
  count.current = items.length;

  useEffect(() => {
    const my = ++seq.current;
    const list = `${customerId}|${key}`;
    // The same list again (a note added): as many items as are shown now, plus the new one, so open pages stay open.
    let limit = PAGE;
    if (shown.current !== list) {
      shown.current = list;
      setItems([]);
      setNext(null);
    } else limit = Math.min(MAX_PAGE, Math.max(PAGE, count.current + 1));
    setLoading(true);
    setError(null);
    fetchTimeline(customerId, { kinds: kindsNow.current, limit }).then(
      (p) => {
        if (my !== seq.current) return;
        setItems(p.items);
        setNext(p.next);
        setLoading(false);
      },
      (e: unknown) => {
        if (my !== seq.current) return;
        failedMore.current = false;
        setError(toFailure(e).code);
        setLoading(false);
      },
    );
  }, [customerId, key, version, reloads]);

  const more = useCallback(() => {
    if (!next || loading) return;
    const my = seq.current;
    setLoading(true);
    setError(null);
    fetchTimeline(customerId, { kinds: kindsNow.current, before: next, limit: PAGE }).then(
      (p) => {
        if (my !== seq.current) return;
        setItems((prev) => {
          const have = new Set(prev.map((i) => i.key));
          return [...prev, ...p.items.filter((i) => !have.has(i.key))];
        });
        setNext(p.next);
        setLoading(false);
      },
      (e: unknown) => {
        if (my !== seq.current) return;
        failedMore.current = true;
        setError(toFailure(e).code);
        setLoading(false);
      },
    );
  }, [customerId, next, loading]);

  const retry = useCallback(() => (failedMore.current ? more() : setReloads((n) => n + 1)), [more]);

  return { items, next, loading, error, more, retry };
}
