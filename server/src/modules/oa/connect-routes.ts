import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../errors";
import { me } from "../../http/route-helpers";
import type { OaConnect } from "./connect";

const tags = ["oa connect"];
const Started = z.object({ url: z.string() });
const Status = z.object({
  oa: z.object({ id: z.string(), name: z.string() }).nullable(),
  source: z.enum(["env", "console"]),
  configuredOaId: z.string(),
  connectedAt: z.string().nullable(),
  expiresAt: z.string(),
  reconnect: z.object({ since: z.string(), reason: z.string().nullable() }).nullable(),
  redirectUri: z.string(),
});
// What Zalo's consent page appends to the redirect URI (§4): code, oa_id, state; an `error` when the admin declined.
const CallbackQuery = z.object({
  code: z.string().min(1).max(2000).optional(),
  oa_id: z.string().max(64).optional(),
  state: z.string().min(1).max(200).optional(),
  error: z.string().max(200).optional(),
});

/** The console's OA connection: its status (and the reconnect alert), the OAuth v4 connect, and Zalo's callback. */
export async function oaConnectRoutes(app: FastifyInstance, opts: { connect: OaConnect; consoleUrl?: string }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { connect } = opts;

  r.get(
    "/api/admin/oa",
    {
      // Marketers see it too: their broadcasts wait while the OA is disconnected, and the banner says why.
      config: { access: "admin", roles: ["marketer"] },
      schema: { tags, summary: "Which OA the stored token pair belongs to, and whether an OA admin must connect it again", response: { 200: Status } },
    },
    async () => connect.status(),
  );

  r.post(
    "/api/admin/oa/connect",
    {
      config: { access: "admin" },
      schema: { tags, summary: "Starts a connect: the URL of Zalo's consent page (OAuth v4 + PKCE, a single-use state)", response: { 200: Started } },
    },
    async (req) => {
      const p = me(req);
      return connect.start(`${p.kind}:${p.id}`);
    },
  );

  r.get(
    "/zalo/oa/callback",
    {
      // Zalo sends the admin's browser here: no session travels, the single-use state (an owner's, unguessable) is the proof.
      config: { access: "public" },
      schema: {
        tags,
        summary: "Zalo's OAuth redirect (register this URL): exchanges the code with its PKCE verifier and stores the pair",
        querystring: CallbackQuery,
      },
    },
    async (req, reply) => {
      const back = (q: Record<string, string>) => reply.redirect(`${opts.consoleUrl}/#/oa?${new URLSearchParams(q)}`, 302);
      try {
        const oa = await connect.finish(req.query);
        return opts.consoleUrl ? back({ connected: oa.oaId }) : { ok: true, oa: { id: oa.oaId, name: oa.name } };
      } catch (err) {
        if (opts.consoleUrl && err instanceof AppError) return back({ error: err.code });
        throw err;
      }
    },
  );
}
