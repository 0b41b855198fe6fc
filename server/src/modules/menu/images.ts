import { createHash } from "node:crypto";
import sharp from "sharp";
import { ErrorCode } from "@mc/shared";
import { AppError } from "../../errors";

/** What an upload may be: its bytes say, never its name or content type. */
export type ImageKind = "jpeg" | "png" | "webp" | "gif";

/** An upload's size limit (the route's body limit too). Phone photos are 2–6 MB. */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
/** Decoding a picture larger than this is refused (a small file can unpack to gigabytes of pixels). */
export const MAX_IMAGE_PIXELS = 40_000_000;
export const THUMB_PX = 320;
export const LARGE_PX = 960;

/** The kind of picture by its first bytes (magic numbers), or null. */
export function sniffImage(b: Uint8Array): ImageKind | null {
  const at = (i: number, ...xs: number[]) => xs.every((x, k) => b[i + k] === x);
  if (b.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return "jpeg";
  if (b.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  // RIFF....WEBP
  if (b.length >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "webp";
  // GIF87a / GIF89a
  if (b.length >= 6 && at(0, 0x47, 0x49, 0x46, 0x38) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return "gif";
  return null;
}

export const imageIdOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex").slice(0, 24);

export type RenderedImage = { thumb: Buffer; large: Buffer; width: number; height: number };

/**
 * The two pictures the menu shows, both WebP: a THUMB_PX square (cropped to the middle) for cards and lists and one
 * that fits LARGE_PX for the product sheet. sharp works on libuv's thread pool: the event loop is not held meanwhile.
 * The phone's EXIF rotation is applied and metadata dropped (no GPS position of the shop owner's phone goes out).
 */
export async function renderImage(bytes: Buffer): Promise<RenderedImage> {
  if (bytes.length > MAX_IMAGE_BYTES) throw new AppError(ErrorCode.IMAGE_TOO_LARGE, `An image may be at most ${MAX_IMAGE_BYTES} bytes`);
  if (!sniffImage(bytes)) throw new AppError(ErrorCode.IMAGE_UNSUPPORTED, "Only JPEG, PNG, WebP or GIF images");
  const input = () => sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, animated: false, failOn: "error" }).rotate();
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
    if (!meta.width || !meta.height) throw new AppError(ErrorCode.IMAGE_UNSUPPORTED, "The image has no size");
    const [thumb, large] = await Promise.all([
      input().resize(THUMB_PX, THUMB_PX, { fit: "cover", position: "centre" }).webp({ quality: 80 }).toBuffer(),
      input().resize(LARGE_PX, LARGE_PX, { fit: "inside", withoutEnlargement: true }).webp({ quality: 82 }).toBuffer({ resolveWithObject: true }),
    ]);
    return { thumb, large: large.data, width: large.info.width, height: large.info.height };
  } catch (err) {
    if (err instanceof AppError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (/pixel limit/i.test(message)) throw new AppError(ErrorCode.IMAGE_TOO_LARGE, `An image may have at most ${MAX_IMAGE_PIXELS} pixels`);
    // The right first bytes but not a picture sharp can read (truncated, corrupt).
    throw new AppError(ErrorCode.IMAGE_UNSUPPORTED, "The image could not be read");
  }
}

/** The API paths of an image's two sizes: content-addressed, so they never change and may be cached for good. */
export const imagePaths = (id: string) => ({ thumbUrl: `/api/menu/images/${id}-thumb.webp`, largeUrl: `/api/menu/images/${id}-large.webp` });
