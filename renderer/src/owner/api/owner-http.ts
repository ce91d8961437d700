/**
 * The owner view's one way to the server (DESIGN §12): the owner API over HTTP, same origin,
 * with the httpOnly session cookie and, on unsafe methods, the session's CSRF token. Every answer
 * is parsed with its shared schema, so a page never renders a shape it did not expect; every
 * refusal becomes an `OwnerApiError` carrying the server's `{code, message, field}`.
 */
import type { z } from 'zod';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A refusal or failure, in the server's one error shape (DESIGN §6). */
export class OwnerApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(status: number, code: string, message: string, field?: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'OwnerApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

export function isOwnerApiError(value: unknown): value is OwnerApiError {
  return value instanceof OwnerApiError;
}

/** 401 codes that mean "sign in again" (the page shows the login with the reason). */
export const signed_out_codes = new Set(['unauthenticated', 'invalid_token', 'session_expired']);

export interface OwnerHttpOptions {
  fetch?: FetchLike;
  /** The session's CSRF token, echoed on POST/PUT/PATCH/DELETE. */
  csrfToken: () => string | null;
  /** Called once per refused session, with the server's code (`session_expired`, …). */
  onSignedOut: (code: string) => void;
}

export interface SendOptions {
  idempotencyKey?: string;
}

export interface OwnerHttp {
  get<S extends z.ZodType>(path: string, schema: S, query?: Record<string, string | number | undefined>): Promise<z.output<S>>;
  send<S extends z.ZodType>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body: unknown, schema: S, options?: SendOptions): Promise<z.output<S>>;
  /** A URL the browser opens itself (CSV downloads), with the query encoded. */
  href(path: string, query?: Record<string, string | number | undefined>): string;
}

function withQuery(path: string, query?: Record<string, string | number | undefined>): string {
  if (!query) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function errorOf(response: Response): Promise<OwnerApiError> {
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (body && typeof body.code === 'string' && typeof body.message === 'string') {
    const { code, message, field, ...details } = body;
    return new OwnerApiError(response.status, code, message, typeof field === 'string' ? field : undefined, details);
  }
  return new OwnerApiError(response.status, 'internal', `The server answered HTTP ${response.status}`);
}

export function createOwnerHttp(options: OwnerHttpOptions): OwnerHttp {
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));

  async function request<S extends z.ZodType>(method: string, url: string, schema: S, body?: unknown, extra: SendOptions = {}): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') {
      const csrf = options.csrfToken();
      if (csrf !== null) headers['x-csrf-token'] = csrf;
    }
    if (extra.idempotencyKey !== undefined) headers['idempotency-key'] = extra.idempotencyKey;
    let response: Response;
    try {
      response = await doFetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new OwnerApiError(0, 'offline', 'The server could not be reached. Check the internet connection and try again.');
    }
    if (!response.ok) {
      const error = await errorOf(response);
      if (response.status === 401 && signed_out_codes.has(error.code)) options.onSignedOut(error.code);
      throw error;
    }
    const answer: unknown = response.status === 204 ? {} : await response.json().catch(() => undefined);
    const parsed = schema.safeParse(answer);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new OwnerApiError(response.status, 'unexpected_answer', `The server's answer to ${method} ${url.split('?')[0]} was not understood (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`);
    }
    return parsed.data;
  }

  return {
    get: (path, schema, query) => request('GET', withQuery(path, query), schema),
    send: (method, path, body, schema, extra) => request(method, path, schema, body, extra),
    href: (path, query) => withQuery(path, query),
  };
}
