/**
 * The one seam between the cashier app and the till (DESIGN §2): every call is a method of the
 * till API table in @payme/shared. Two transports carry it (IPC in Electron, HTTP in a browser);
 * nothing above this file asks which one it has.
 */
import { errorFromWire, type ErrorCode, type TillInput, type TillMethod, type TillOutput } from '@payme/shared';

export interface TillTransport {
  call<M extends TillMethod>(method: M, input: TillInput<M>): Promise<TillOutput<M>>;
}

/** A failure the till answered with `{code, message, field?}`, kept typed for the screens. */
export class TillCallError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, field?: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TillCallError';
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

/**
 * Turns whatever came back as an error body into a TillCallError (never loses the words; a code
 * this version does not know is `internal`, with the code it came with in `received_code`).
 */
export function errorFromBody(body: unknown, fallback: string): TillCallError {
  const error = errorFromWire(body, { code: 'internal', message: fallback });
  return new TillCallError(error.code, error.message, error.field, { ...error.details });
}

export function isTillCallError(value: unknown): value is TillCallError {
  return value instanceof TillCallError;
}
