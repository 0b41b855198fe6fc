import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ErrorCode } from "@mc/shared";
import { AppError } from "../errors";
import { statusOf } from "./status";

/**
 * Errors Fastify raises before a route is found (a URL that does not decode, a path param past the length
 * limit): answered in the same shape and with our own code, not Fastify's FST_ERR_* (pass as `frameworkErrors`).
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  const message = err.code === "FST_ERR_MAX_PARAM_LENGTH" ? "A value in the URL is too long" : "The URL is not valid";
  reply.status(status).send({ code: ErrorCode.VALIDATION_FAILED, message, requestId: req.id });
}

/** One error shape for every failure: `{ code, message, requestId }`; 5xx never leak internals. */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const requestId = req.id;
    if (err instanceof AppError) {
      const status = statusOf(err.code);
      if (status >= 500) req.log.warn({ code: err.code }, err.message);
      return reply.status(status).send({ code: err.code, message: err.message, requestId, ...(err.details ? { details: err.details } : {}) });
    }
    const fe = err as FastifyError & { validation?: unknown[] };
    if (fe.validation) {
      return reply.status(400).send({
        code: ErrorCode.VALIDATION_FAILED,
        message: `Invalid request: ${fe.message}`,
        requestId,
        details: fe.validation,
      });
    }
    const status = fe.statusCode ?? 500;
    if (status === 429) return reply.status(429).send({ code: ErrorCode.RATE_LIMITED, message: "Too many requests: slow down", requestId });
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ code: ErrorCode.VALIDATION_FAILED, message: fe.message, requestId });
    }
    req.log.error({ err }, "unhandled error");
    return reply.status(500).send({ code: ErrorCode.INTERNAL, message: "Something went wrong on our side", requestId });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ code: ErrorCode.NOT_FOUND, message: `No route ${req.method} ${req.url.split("?")[0]}`, requestId: req.id }),
  );
}
