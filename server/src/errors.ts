import { ErrorCode } from "@mc/shared";

/** The one application error: a stable code from @mc/shared, an HTTP status and a human message. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly statusCode = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const unauthenticated = (msg = "Sign in first") => new AppError(ErrorCode.UNAUTHENTICATED, msg, 401);
export const forbidden = (msg = "You may not do this") => new AppError(ErrorCode.FORBIDDEN, msg, 403);
export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`, 404);
