import { ErrorCode } from "@mc/shared";

/**
 * The one application error: a stable code from @mc/shared and a human message. Its HTTP status comes
 * from the code (`http/status.ts`), never from the throw site.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** An object, or (VALIDATION_FAILED) field problems shaped like the schema's, so clients word them alike. */
    readonly details?: Record<string, unknown> | unknown[],
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const unauthenticated = (msg = "Sign in first") => new AppError(ErrorCode.UNAUTHENTICATED, msg);
export const forbidden = (msg = "You may not do this") => new AppError(ErrorCode.FORBIDDEN, msg);
export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
