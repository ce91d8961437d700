/**
 * One error shape for every response (DESIGN §6): `{code, message, field?, ...details}`.
 * Expected failures are `PaymeError`s carrying an HTTP status; anything else is logged and
 * answered as a bare 500 without internals. Bad input must never reach the 500 branch.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PaymeError, isPaymeError, parseOrThrow, type ErrorBody, type ErrorCode } from '@payme/shared';
import type { z } from 'zod';
import { sqlState } from '../db/db.js';

/** A PaymeError with the HTTP status it answers with. */
export class HttpError extends PaymeError {
  constructor(
    readonly statusCode: number,
    code: ErrorCode,
    message: string,
    field?: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, field, details);
    this.name = 'HttpError';
  }
}

export const badRequest = (code: ErrorCode, message: string, field?: string, details?: Record<string, unknown>) =>
  new HttpError(400, code, message, field, details);
export const unauthorized = (code: ErrorCode, message: string) => new HttpError(401, code, message);
export const forbidden = (code: ErrorCode, message: string) => new HttpError(403, code, message);
export const notFound = (what: string, field?: string) => new HttpError(404, 'not_found', `${what} not found`, field);
export const conflict = (code: ErrorCode, message: string, field?: string, details?: Record<string, unknown>) =>
  new HttpError(409, code, message, field, details);

/**
 * Validates with a zod schema; a failure is a 400 naming the field (`price_cents`,
 * `lines.0.quantity`). A wrong whole value (no body, a list instead of an object) names `where`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.output<S> {
  try {
    return parseOrThrow(schema, value);
  } catch (error) {
    if (isPaymeError(error) && error.field === undefined) {
      throw new HttpError(400, error.code, `${where}: ${error.message.replace(/^input: /, '')}`, where, { ...error.details });
    }
    throw error;
  }
}

/** Statuses for PaymeErrors thrown without one (shared code does not know HTTP). */
const status_by_code: Partial<Record<ErrorCode, number>> = {
  invalid_input: 400,
  not_found: 404,
  idempotency_key_reused: 409,
};

/** Data exceptions a value could still trigger in SQL despite validation: bad input, not a crash. */
const bad_input_sqlstates = new Set(['22P02', '22001', '22003', '22007', '22008', '22021', '22P05', '54000']);

function fastifyErrorCode(error: FastifyError): ErrorCode {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'invalid_json';
    default:
      return error.statusCode === 429 ? 'rate_limited' : 'bad_request';
  }
}

export function errorResponse(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (error instanceof HttpError) return { status: error.statusCode, body: error.toBody(), internal: false };
  if (isPaymeError(error)) return { status: status_by_code[error.code] ?? 400, body: error.toBody(), internal: false };
  const state = sqlState(error);
  if (state && bad_input_sqlstates.has(state)) {
    return { status: 400, body: { code: 'invalid_input', message: 'a value is not acceptable', field: 'body', sqlstate: state }, internal: false };
  }
  const fastifyError = error as FastifyError & { retryAfter?: unknown };
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const body: ErrorBody = { code: (fastifyError as { payme_code?: ErrorCode }).payme_code ?? fastifyErrorCode(fastifyError), message: fastifyError.message || 'Bad request' };
    // Every refusal names what to fix: the body, or the header that described it.
    const field_by_code: Partial<Record<ErrorCode, string>> = { invalid_json: 'body', body_too_large: 'body', unsupported_media_type: 'content-type' };
    const field = field_by_code[body.code];
    if (field !== undefined) body.field = field;
    return { status, body, internal: false };
  }
  return { status: 500, body: { code: 'internal', message: 'Something went wrong on the server; it has been logged.' }, internal: true };
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body, internal } = errorResponse(error);
  if (internal) request.log.error({ err: error }, 'unhandled error');
  else request.log.info({ code: body.code, status }, 'request refused');
  // A refusal that says when to come back (429, 503 hasher_busy) says it in the header too.
  const retryAfter = body.retry_after_seconds;
  if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(retryAfter));
  return reply.status(status).send(body);
}
