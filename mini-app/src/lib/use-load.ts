import { useCallback, useEffect, useRef, useState, type DependencyList, type Dispatch, type SetStateAction } from "react";
import { toFailure } from "../session";

export type Loaded<T> = {
  /** The last answer for the current deps (null until the first one arrives). */
  data: T | null;
  /** The error code of the last failed load, cleared by the next success. Data, if any, is kept. */
  error: string | null;
  /** A request is in flight. */
  loading: boolean;
  /** "Thử lại": load again (blank first with `blankRetry`). */
  retry: () => void;
  /** Load again in the background (after an action changed the data); resolves when it has answered. */
  reload: () => Promise<void>;
  /** Replace the data with what an action returned, without a round trip (answers already in flight are dropped). */
  setData: Dispatch<SetStateAction<T | null>>;
};

export type LoadOptions<T> = {
  /** Load only while true (e.g. once a store is picked); data stays null meanwhile. */
  enabled?: boolean;
  /**
   * Poll every N ms while set (or while the function of the data and last error says so); a poll is
   * skipped while a request is in flight, so a slow network does not stack up polls.
   */
  pollMs?: number | null | ((data: T | null, error: string | null) => number | null);
  /** Retry shows the loading state again instead of keeping the error on screen until the answer. */
  blankRetry?: boolean;
  /** Deps changing keeps the previous answer (and error) on screen until the new one arrives. */
  keepData?: boolean;
};

/**
 * Loads `load()` on mount and whenever `deps` change (nothing while `enabled` is false), with the error
 * code for the screen and a retry. Deps changing starts from blank (unless `keepData`); only the newest
 * request's answer is kept, so a slow answer for a previous store or tab never shows.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  { enabled = true, pollMs = null, blankRetry = false, keepData = false }: LoadOptions<T> = {},
): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef<(() => Promise<T>) | null>(load);
  latest.current = enabled ? load : null;
  const seq = useRef(0);
  const inFlight = useRef(0);

  const run = useCallback(async () => {
    const fn = latest.current;
    if (!fn) return;
    const my = ++seq.current;
    inFlight.current++;
    setLoading(true);
    try {
      const value = await fn();
      if (my !== seq.current) return;
      setData(() => value);
      setError(null);
    } catch (e) {
      if (my !== seq.current) return;
      setError(toFailure(e).code);
    } finally {
      if (--inFlight.current === 0) setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (!keepData) {
      setData(null);
      setError(null);
    }
    void run();
    return () => {
      // Answers for the old deps are dropped (a counter, not a DOM ref: its value at cleanup is the point).
      // eslint-disable-next-line react-hooks/exhaustive-deps
      seq.current++;
    };
    // The caller's deps, checked at the call site (eslint: additionalHooks).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, enabled]);

  const every = typeof pollMs === "function" ? pollMs(data, error) : pollMs;
  useEffect(() => {
    if (!every || !enabled) return;
    const t = window.setInterval(() => inFlight.current === 0 && void run(), every);
    return () => window.clearInterval(t);
  }, [every, enabled, run]);

  const retry = useCallback(() => {
    if (blankRetry) {
      setData(null);
      setError(null);
    }
    void run();
  }, [blankRetry, run]);

  // An action's answer is newer than any load still in flight (a poll started before it): those are dropped.
  const replace = useCallback<Dispatch<SetStateAction<T | null>>>((next) => {
    seq.current++;
    setData(next);
  }, []);

  return { data, error, loading, retry, reload: run, setData: replace };
}
