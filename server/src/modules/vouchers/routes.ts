import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AdminCampaign,
  Campaign,
  CampaignActiveBody,
  CampaignInput,
  CatalogueItem,
  CounterVoucher,
  CounterVoucherBody,
  MemberVouchers,
  MemberVouchersBody,
  Voucher,
  VoucherQr,
  VoucherStatus,
} from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { VoucherService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });

export async function voucherRoutes(app: FastifyInstance, opts: { vouchers: VoucherService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { vouchers } = opts;

  // ---- shopper ----
  r.get(
    "/api/vouchers/catalogue",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["vouchers"], summary: "Offers I can claim or buy with points", response: { 200: z.object({ items: z.array(CatalogueItem) }) } },
    },
    async (req) => ({ items: await vouchers.catalogue(me(req).id) }),
  );

  r.post(
    "/api/vouchers/campaigns/:id/claim",
    {
      config: { access: "customer", scope: "own" },
      schema: {
        tags: ["vouchers"],
        summary: "Claim (or buy with points) one voucher of an offer",
        params: IdParam,
        body: z
          .object({ requestId: z.string().min(8).max(64).optional() })
          .strict()
          .nullish(),
        response: { 200: z.object({ voucher: Voucher, balance: z.number() }) },
      },
    },
    async (req) => vouchers.claim(me(req).id, req.params.id, req.body?.requestId),
  );

  r.get(
    "/api/me/vouchers",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["vouchers"], querystring: z.object({ status: VoucherStatus.optional() }), response: { 200: z.object({ vouchers: z.array(Voucher) }) } },
    },
    async (req) => ({ vouchers: await vouchers.mine(me(req).id, req.query.status) }),
  );

  r.get(
    "/api/me/vouchers/:id",
    {
      config: { access: "customer", scope: { owner: "voucher" } },
      schema: { tags: ["vouchers"], params: IdParam, response: { 200: z.object({ voucher: Voucher }) } },
    },
    async (req) => ({ voucher: await vouchers.own(me(req).id, req.params.id) }),
  );

  r.get(
    "/api/me/vouchers/:id/qr",
    {
      config: { access: "customer", scope: { owner: "voucher" } },
      schema: {
        tags: ["vouchers"],
        summary: "A fresh signed QR payload and its 6-digit counter code (valid about a minute)",
        params: IdParam,
        response: { 200: VoucherQr },
      },
    },
    async (req) => vouchers.qr(me(req).id, req.params.id),
  );

  // ---- staff counter ----
  r.post(
    "/api/staff/vouchers/inspect",
    {
      config: { access: "staff", scope: { store: "body" } },
      schema: { tags: ["staff"], summary: "What a scanned or typed voucher is, and whose", body: CounterVoucherBody, response: { 200: CounterVoucher } },
    },
    async (req) => vouchers.inspect(me(req), req.body),
  );

  r.post(
    "/api/staff/vouchers/by-member",
    {
      config: { access: "staff", scope: { store: "body" } },
      schema: {
        tags: ["staff"],
        summary: "The vouchers a member can use at my store, from their member card (for a phone that cannot show the voucher)",
        body: MemberVouchersBody,
        response: { 200: MemberVouchers },
      },
    },
    async (req) => vouchers.ofMember(me(req), req.body),
  );

  r.post(
    "/api/staff/vouchers/redeem",
    {
      config: { access: "staff", scope: { store: "body" } },
      schema: { tags: ["staff"], summary: "Redeem a voucher at my store (exactly once)", body: CounterVoucherBody, response: { 200: CounterVoucher } },
    },
    async (req) => vouchers.redeem(me(req), req.body),
  );

  // ---- admin ----
  r.get(
    "/api/admin/voucher-campaigns",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Every campaign, with issued, redeemed and expired counts and redemptions per store",
        response: { 200: z.object({ campaigns: z.array(AdminCampaign) }) },
      },
    },
    async () => ({ campaigns: await vouchers.listCampaigns() }),
  );

  r.post(
    "/api/admin/voucher-campaigns",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], body: CampaignInput, response: { 201: Campaign } } },
    async (req, reply) => reply.status(201).send(await vouchers.createCampaign(me(req), req.body)),
  );

  r.put(
    "/api/admin/voucher-campaigns/:id",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], params: IdParam, body: CampaignInput, response: { 200: Campaign } } },
    async (req) => vouchers.updateCampaign(me(req), req.params.id, req.body),
  );

  r.put(
    "/api/admin/voucher-campaigns/:id/active",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Deactivate (out of the catalogue, cannot be claimed or won) or reactivate",
        params: IdParam,
        body: CampaignActiveBody,
        response: { 200: Campaign },
      },
    },
    async (req) => vouchers.setCampaignActive(me(req), req.params.id, req.body.active),
  );
}
