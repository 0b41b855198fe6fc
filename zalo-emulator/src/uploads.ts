import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { header, type Ctx } from "./context";
import { ZaloCode, zaloError, zaloOk } from "./errors";
import { checkOaToken, hexId, UPLOAD_TTL_MS, VN_OFFSET_MS, type EmulatorState } from "./state";

const MB = 1024 * 1024;
/** A body this big is read whole and then refused with Zalo's envelope (not cut off mid-stream). */
const READ_LIMIT = 20 * MB;

/** §5.5 [THIRD-PARTY limits]: what each upload endpoint takes, told by the file's first bytes. */
const KINDS = {
  image: { maxBytes: 1 * MB, accepts: ["jpeg", "png"], what: "jpg/png" },
  gif: { maxBytes: 5 * MB, accepts: ["gif"], what: "gif" }, // the gif limit is not documented: 5 MB [UNCONFIRMED]
  file: { maxBytes: 5 * MB, accepts: ["pdf", "doc", "docx", "csv"], what: "pdf/doc/docx/csv" },
} as const;
type Kind = keyof typeof KINDS;

/** A file part; its bytes are not enumerable, so the request log (`/_emu/requests`) shows its name and size only. */
type Part = { name: string; type: string; size: number; bytes: Buffer };
function part(name: string, type: string, bytes: Buffer): Part {
  const p = { name, type, size: bytes.length } as Part;
  Object.defineProperty(p, "bytes", { value: bytes, enumerable: false });
  return p;
}

function sniff(b: Buffer, filename: string): string | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (b.length >= 6 && b.subarray(0, 4).toString("latin1") === "GIF8") return "gif";
  if (b.length >= 4 && b.subarray(0, 4).toString("latin1") === "%PDF") return "pdf";
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return "doc";
  if (b.length >= 4 && b.subarray(0, 4).toString("latin1") === "PK\u0003\u0004" && /\.docx$/i.test(filename)) return "docx";
  if (/\.csv$/i.test(filename)) return "csv";
  return null;
}

const vnMonth = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 7);

/** Whether a CS message may carry this attachment id (§5.2 media elements): issued here, of that kind, not expired. */
export function attachmentProblem(state: EmulatorState, now: number, id: unknown, kind: "image" | "gif" | "file"): { error: number; message: string } | null {
  const u = typeof id === "string" ? state.uploads.get(id) : undefined;
  const field = kind === "file" ? "token" : "attachment_id";
  if (!u || u.kind !== kind) return { error: ZaloCode.FIELD_INVALID, message: `${field} is invalid!` };
  if (u.expiresAt <= now) return { error: ZaloCode.ATTACHMENT_EXPIRED, message: `${field} was expired` };
  return null;
}

/**
 * What is wrong with a CS `message.attachment` (§5.2), or null: media elements name an uploaded image or gif by
 * an id issued here (or a URL), a file its upload token, and a request for user info has exactly one element
 * with a title, subtitle and image. Other template types (buttons) pass as they are.
 */
export function csAttachmentProblem(state: EmulatorState, now: number, a: unknown): { error: number; message: string } | null {
  const bad = (field: string) => ({ error: ZaloCode.FIELD_INVALID, message: `${field} is invalid!` });
  if (!a || typeof a !== "object") return bad("attachment");
  const { type, payload } = a as { type?: unknown; payload?: Record<string, unknown> };
  if (!payload || typeof payload !== "object") return bad("payload");
  if (type === "file") return attachmentProblem(state, now, payload.token, "file");
  if (type !== "template") return bad("attachment.type");
  const elements = payload.elements;
  if (payload.template_type === "media") {
    if (!Array.isArray(elements) || elements.length === 0) return bad("elements");
    for (const e of elements as Record<string, unknown>[]) {
      const kind = e?.media_type;
      if (kind === "sticker") {
        if (typeof e.attachment_id !== "string" || !e.attachment_id) return bad("attachment_id");
        continue;
      }
      if (kind !== "image" && kind !== "gif") return bad("media_type");
      if (kind === "gif" && (typeof e.width !== "number" || typeof e.height !== "number")) return bad("width");
      if (e.attachment_id !== undefined) {
        const p = attachmentProblem(state, now, e.attachment_id, kind);
        if (p) return p;
      } else if (typeof e.url !== "string" || !/^https?:\/\//.test(e.url)) return bad("url");
    }
    return null;
  }
  if (payload.template_type === "request_user_info") {
    if (!Array.isArray(elements) || elements.length !== 1) return bad("elements");
    const e = elements[0] as Record<string, unknown>;
    for (const f of ["title", "subtitle", "image_url"]) if (typeof e?.[f] !== "string" || !e[f]) return bad(f);
    if (!/^https?:\/\//.test(String(e.image_url))) return bad("image_url");
    return null;
  }
  return null;
}

/** openapi.zalo.me `/v2.0/oa/upload/{image,gif,file}` (§5.5): multipart, field `file`. */
export function registerUploads(app: FastifyInstance, ctx: Ctx) {
  const { state, clock } = ctx;

  // Multipart bodies are parsed into their parts here (web-standard FormData, as Node's fetch reads them).
  app.addContentTypeParser("multipart/form-data", { parseAs: "buffer", bodyLimit: READ_LIMIT }, async (req: FastifyRequest, body: Buffer) => {
    const form = await new Response(new Uint8Array(body), { headers: { "content-type": String(req.headers["content-type"]) } }).formData().catch(() => null);
    if (!form) return { parts: {} };
    const parts: Record<string, Part | string> = {};
    for (const [k, v] of form.entries()) {
      parts[k] = typeof v === "string" ? v : part(v.name, v.type, Buffer.from(await v.arrayBuffer()));
    }
    return { parts };
  });

  async function upload(kind: Kind, req: FastifyRequest, reply: FastifyReply) {
    const now = clock.now();
    const auth = checkOaToken(state, now, header(req.headers, "access_token"));
    if (auth === "expired") return zaloError(reply, ZaloCode.OA_TOKEN_EXPIRED, "access_token is expired or removed");
    if (auth !== "ok") return zaloError(reply, ZaloCode.OA_TOKEN_INVALID, "Access token is invalid");
    const file = ((req.body ?? {}) as { parts?: Record<string, Part | string> }).parts?.file;
    if (!file || typeof file === "string" || file.bytes.length === 0) return zaloError(reply, ZaloCode.FIELD_INVALID, "file is invalid!");
    const rule = KINDS[kind];
    const type = sniff(file.bytes, file.name);
    if (!type || !(rule.accepts as readonly string[]).includes(type))
      return zaloError(reply, ZaloCode.FIELD_INVALID, `file is invalid! (only ${rule.what} files are accepted)`);
    if (file.bytes.length > rule.maxBytes)
      return zaloError(reply, ZaloCode.PARAM_EXCEEDS_LIMIT, `file size exceeds the limit (${rule.maxBytes / MB} MB for ${rule.what})`);
    const month = vnMonth(now);
    const used = state.uploadsByMonth.get(month) ?? 0;
    if (used >= state.config.uploadMonthlyLimit) return zaloError(reply, ZaloCode.OUT_OF_QUOTA, "Out of upload quota for this month");
    state.uploadsByMonth.set(month, used + 1);
    // Attachment ids look like message ids (opaque hex); file uploads hand back a `token` instead (§5.5).
    const id = hexId() + hexId();
    state.uploads.set(id, { id, kind, bytes: file.bytes.length, name: file.name, uploadedAt: now, expiresAt: now + UPLOAD_TTL_MS });
    return zaloOk(reply, kind === "file" ? { token: id } : { attachment_id: id });
  }

  for (const kind of Object.keys(KINDS) as Kind[]) app.post(`/openapi/v2.0/oa/upload/${kind}`, (req, reply) => upload(kind, req, reply));

  app.get("/_emu/uploads", async () => [...state.uploads.values()]);
}
