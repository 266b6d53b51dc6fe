import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { ApiError, ApiErrorCode } from "../../shared/errors";
import { AppError } from "../lib/app-error";

/**
 * One error envelope for every failure, Fastify's own included (DESIGN §4). Nothing internal leaks: a 500 says
 * only that it happened and which request id to quote; the log has the rest.
 */

function envelope(
  code: ApiErrorCode,
  message: string,
  extra: Omit<ApiError["error"], "code" | "message"> = {},
): ApiError {
  return { error: { code, message, ...extra } };
}

const fastifyCodes: Record<string, { status: number; code: ApiErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: "payload_too_large",
    message: "The request body is larger than Patchbay accepts (64 KiB).",
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: "unsupported_media_type",
    message: "Send the request body as JSON with Content-Type: application/json.",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: "bad_request",
    message: "The request body is empty; send a JSON object.",
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: "bad_request",
    message: "The request body is not valid JSON.",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: "bad_request",
    message: "The Content-Length header does not match the body.",
  },
};

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof Reflect.get(error, "code") === "string";
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AppError) {
      const extra: Omit<ApiError["error"], "code" | "message"> = {};
      if (error.fields) extra.fields = error.fields;
      if (error.detail !== undefined) extra.detail = error.detail;
      return reply.status(error.statusCode).send(envelope(error.code, error.message, extra));
    }
    if (isFastifyError(error)) {
      const known = fastifyCodes[error.code];
      if (known) return reply.status(known.status).send(envelope(known.code, known.message));
      if (
        error instanceof SyntaxError ||
        (error.statusCode === 400 && error.code.startsWith("FST_ERR_CTP"))
      ) {
        return reply.status(400).send(envelope("bad_request", "The request body could not be read as JSON."));
      }
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return reply.status(error.statusCode).send(envelope("bad_request", "The request is malformed."));
      }
    }
    request.log.error({ err: error }, "unhandled error");
    return reply
      .status(500)
      .send(
        envelope(
          "internal_error",
          `Something went wrong inside Patchbay. Try again; if it persists, quote request id ${request.id} to your administrator (the server log has the details).`,
        ),
      );
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(
        envelope(
          "not_found",
          `There is no ${request.method} ${request.url.split("?")[0]} in Patchbay's API.`,
        ),
      );
  });
}

export default fp(errorsPlugin, { name: "patchbay-errors" });
