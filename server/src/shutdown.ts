import type { FastifyInstance } from "fastify";

/**
 * SIGTERM/SIGINT for an API process (main.ts, and the multi-process tests' instances): `/ready` turns 503 at
 * once, requests are still served for `drainMs` (the load balancer's time to stop routing here), then the
 * server stops listening, finishes the requests in flight, and the onClose hooks run: the dispatcher and the
 * jobs finish what is in flight and hand back their leases, then the database closes.
 */
export function closeOnSignals(app: FastifyInstance, drainMs: number, exit: (code: number) => void = process.exit) {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal, drainMs }, "shutting down");
    app.drain();
    setTimeout(() => {
      app.close().then(
        () => exit(0),
        (err) => {
          app.log.error({ err }, "shutdown failed");
          exit(1);
        },
      );
    }, drainMs);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => shutdown(signal));
  return shutdown;
}
