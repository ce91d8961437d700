/**
 * The one seam between the cashier app and the till (DESIGN §2): every call is a method of the
 * till API table in @payme/shared. Two transports carry it (IPC in Electron, HTTP in a browser);
 * nothing above this file asks which one it has.
 */
import type { TillInput, TillMethod, TillOutput } from '@payme/shared';

export interface TillTransport {
  call<M extends TillMethod>(method: M, input: TillInput<M>): Promise<TillOutput<M>>;
}

/** A failure the till answered with `{code, message, field?}`, kept typed for the screens. */
export class TillCallError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: string, message: string, field?: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TillCallError';
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

/** Turns whatever came back as an error body into a TillCallError (never loses the words). */
export function errorFromBody(body: unknown, fallback: string): TillCallError {
  if (typeof body === 'object' && body !== null) {
    const { code, message, field, ...details } = body as Record<string, unknown>;
    if (typeof code === 'string' && typeof message === 'string') {
      return new TillCallError(code, message, typeof field === 'string' ? field : undefined, details);
    }
  }
  return new TillCallError('internal', fallback);
}

export function isTillCallError(value: unknown): value is TillCallError {
  return value instanceof TillCallError;
}
