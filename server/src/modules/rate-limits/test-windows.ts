// How the rate tests count, from the outside: shared by the in-process and the multi-process tests.

/** The most timestamps in any window [t, t + windowMs), each one starting a window. */
export function mostInAnyWindow(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[j]! < s[i]! - windowMs + 1e-9) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
