/**
 * The one error shape of DESIGN §6: `{code, message, field?, ...details}`.
 * Codes are stable and machine-readable; messages are plain words for people.
 */
import type { z } from 'zod';
import { isErrorCode, type ErrorCode } from './error-codes.js';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  field?: string;
  [detail: string]: unknown;
}

/** An expected, typed failure: bad input, a broken business rule, a conflict. */
export class PaymeError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, field?: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'PaymeError';
    this.code = code;
    this.field = field;
    this.details = details;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { ...this.details, code: this.code, message: this.message };
    if (this.field !== undefined) body.field = this.field;
    return body;
  }
}

/**
 * An error body that came over the wire (a server's or the till host's answer) as a PaymeError.
 * A code this version does not know (a newer server) keeps its words and becomes `fallback`, with
 * the code it came with in `received_code`; a body without code and message is `fallback` too.
 */
export function errorFromWire(body: unknown, fallback: { code: ErrorCode; message: string }): PaymeError {
  if (typeof body !== 'object' || body === null) return new PaymeError(fallback.code, fallback.message);
  const { code, message, field, ...details } = body as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return new PaymeError(fallback.code, fallback.message);
  const known = isErrorCode(code) ? code : fallback.code;
  const extra = known === code ? details : { ...details, received_code: code };
  return new PaymeError(known, message, typeof field === 'string' ? field : undefined, extra);
}

export function isPaymeError(value: unknown): value is PaymeError {
  return value instanceof PaymeError;
}

/** Joins a zod issue path into the dotted field name used in error bodies (`lines.0.quantity`). */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part) => String(part)).join('.');
}

/**
 * Turns a zod failure into the error body: the first issue names the field and says what is
 * wrong; every issue is kept in `issues` so a form can mark all of them.
 */
export function validationError(error: z.ZodError): PaymeError {
  const issues = error.issues.map((issue) => {
    // An unknown key names itself (`payload.colour`), so the person sees which field to remove.
    const path = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
    return { field: fieldPath(path), message: issue.message };
  });
  const first = issues[0] ?? { field: '', message: 'Invalid input' };
  const where = first.field === '' ? 'input' : first.field;
  return new PaymeError('invalid_input', `${where}: ${first.message}`, first.field === '' ? undefined : first.field, { issues });
}

/** Parses with a schema, throwing a `PaymeError('invalid_input')` naming the field on failure. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}
