import sharp from "sharp";
import { ErrorCode } from "@mc/shared";
import { AppError } from "../../errors";
import { MAX_IMAGE_PIXELS, sniffImage } from "../menu/images";

/** Zalo's OA image upload (zalo-platform.md §5.5): jpg/png, at most 1 MB. Checked here so staff hear why at once. */
export const ZALO_IMAGE_MAX_BYTES = 1024 * 1024;
const THUMB_PX = 320;

/** The picture's kind by its bytes, or the reason Zalo would refuse it. */
export function checkZaloImage(bytes: Buffer): "jpeg" | "png" {
  const kind = sniffImage(bytes);
  if (kind !== "jpeg" && kind !== "png") throw new AppError(ErrorCode.ATTACHMENT_TYPE_UNSUPPORTED, "Zalo takes only JPG or PNG images");
  if (bytes.length > ZALO_IMAGE_MAX_BYTES)
    throw new AppError(ErrorCode.ATTACHMENT_TOO_LARGE, `Zalo takes images of at most ${ZALO_IMAGE_MAX_BYTES} bytes`, {
      maxBytes: ZALO_IMAGE_MAX_BYTES,
      bytes: bytes.length,
    });
  return kind;
}

/**
 * What the console shows for a sent image: a small WebP kept in the message itself (Zalo hands back only an
 * attachment id, no URL to show). sharp runs on libuv's pool, off the event loop; metadata (GPS) is dropped.
 */
export async function thumbnailDataUri(bytes: Buffer): Promise<string> {
  try {
    const webp = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "error" })
      .rotate()
      .resize(THUMB_PX, THUMB_PX, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return `data:image/webp;base64,${webp.toString("base64")}`;
  } catch {
    throw new AppError(ErrorCode.ATTACHMENT_TYPE_UNSUPPORTED, "The image could not be read");
  }
}
