/**
 * A value worked out at most once per synchronous run of the event loop (one callback: a group commit's batch of
 * webhook events is one), forgotten at the next microtask checkpoint, so no later turn ever sees it stale.
 * For reads that every unit of a batch repeats and none of them writes (the stores' status, the auto-reply rules).
 */
export function perTurn<T>(compute: () => T): (() => T) & { clear(): void } {
  let held: { value: T } | null = null;
  const clear = () => void (held = null);
  return Object.assign(
    () => {
      if (!held) {
        held = { value: compute() };
        queueMicrotask(clear);
      }
      return held.value;
    },
    { clear },
  );
}
