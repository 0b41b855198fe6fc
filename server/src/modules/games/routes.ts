import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AdminDraw, AdminGame, GameCampaignInput, GameConfig, GameDraw, PlayBody, PlayResult, PrizeState, QrLink, QrLinkBody } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { GameService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const ShopDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "chưa đúng dạng ngày (YYYY-MM-DD)")
  .refine(
    (d) => {
      const t = Date.parse(`${d}T00:00:00Z`);
      return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
    },
    { message: "not a calendar day", params: { vi: "không phải một ngày có thật" } },
  );
/** The draw log's filters: store, the prize the person got, its state, shop-local days (inclusive); keyset pages. */
const DrawQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  store: z.string().min(1).max(64).optional(),
  prize: z.string().min(1).max(64).optional(),
  state: PrizeState.optional(),
  from: ShopDay.optional(),
  to: ShopDay.optional(),
});

export async function gameRoutes(app: FastifyInstance, opts: { games: GameService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { games } = opts;

  // ---- shopper (the mini app, opened from an in-store QR code) ----
  r.post(
    "/api/games/resolve",
    {
      config: { access: "customer", scope: "own" },
      schema: {
        tags: ["games"],
        summary: "Check a QR code's route params {store, campaign, sig} and get the game to show",
        body: QrLinkBody,
        response: { 200: GameConfig },
      },
    },
    async (req) => games.resolve(me(req).id, req.body),
  );

  r.post(
    "/api/games/play",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["games"], summary: "Play once: the server draws the outcome and gives the prize", body: PlayBody, response: { 200: PlayResult } },
    },
    async (req) => games.play(me(req).id, req.body),
  );

  r.get(
    "/api/games/draws",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["games"], summary: "My latest draws", response: { 200: z.object({ draws: z.array(GameDraw) }) } },
    },
    async (req) => ({ draws: await games.myDraws(me(req).id) }),
  );

  r.get(
    "/api/games/draws/:id",
    {
      config: { access: "customer", scope: { owner: "draw" } },
      schema: {
        tags: ["games"],
        summary: "One of my draws: poll it until a follow-gated prize becomes issued",
        params: IdParam,
        response: { 200: z.object({ draw: GameDraw }) },
      },
    },
    async (req) => ({ draw: await games.ownDraw(me(req).id, req.params.id) }),
  );

  // ---- admin ----
  r.get(
    "/api/admin/games",
    {
      // A store manager's list: the games at their stores.
      config: { access: "admin", roles: ["marketer", "store_manager"], scope: "any" },
      schema: { tags: ["admin"], summary: "Games with odds and remaining stock", response: { 200: z.object({ games: z.array(AdminGame) }) } },
    },
    async (req) => ({
      games: await games.listGames(me(req)),
    }),
  );

  r.post(
    "/api/admin/games",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], body: GameCampaignInput, response: { 201: AdminGame } } },
    async (req, reply) => reply.status(201).send(await games.createGame(me(req), req.body)),
  );

  r.get(
    "/api/admin/games/:id",
    {
      config: { access: "admin", roles: ["marketer", "store_manager"], scope: { store: "game" } },
      schema: { tags: ["admin"], params: IdParam, response: { 200: AdminGame } },
    },
    async (req) => games.getGame(me(req), req.params.id),
  );

  r.put(
    "/api/admin/games/:id",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Edit a game; prizes are matched by id, left-out prizes are retired",
        params: IdParam,
        body: GameCampaignInput,
        response: { 200: AdminGame },
      },
    },
    async (req) => games.updateGame(me(req), req.params.id, req.body),
  );

  r.get(
    "/api/admin/games/:id/draws",
    {
      config: { access: "admin", roles: ["marketer", "store_manager"], scope: { store: "game" } },
      schema: {
        tags: ["admin"],
        summary: "Every draw: who, store, time, outcome (newest first; a store manager's stores only)",
        params: IdParam,
        querystring: DrawQuery,
        response: { 200: z.object({ draws: z.array(AdminDraw), nextBefore: z.number().nullable() }) },
      },
    },
    async (req) => {
      const { limit, store, prize, ...filter } = req.query;
      return games.draws(me(req), req.params.id, { ...filter, storeId: store, prizeId: prize }, limit);
    },
  );

  r.get(
    "/api/admin/games/:id/qr-links",
    {
      config: { access: "admin", roles: ["marketer", "store_manager"], scope: { store: "game" } },
      schema: {
        tags: ["admin"],
        summary: "The signed deep link of each store's QR code (a store manager's stores only)",
        params: IdParam,
        response: { 200: z.object({ links: z.array(QrLink) }) },
      },
    },
    async (req) => ({ links: await games.links(me(req), req.params.id) }),
  );

  r.get(
    "/api/admin/games/:id/qr",
    {
      config: { access: "admin", roles: ["marketer", "store_manager"], scope: { store: "game" } },
      schema: {
        tags: ["admin"],
        summary: "Download a store's QR code: SVG or PNG, with the store's and the game's name underneath, ready to print",
        params: IdParam,
        querystring: z.object({ store: z.string().min(1).max(64), format: z.enum(["png", "svg"]).default("svg") }),
      },
    },
    async (req, reply) => {
      const img = await games.qrImage(me(req), req.params.id, req.query.store, req.query.format);
      return reply.type(img.contentType).header("content-disposition", `attachment; filename="${img.filename}"`).send(img.body);
    },
  );
}
