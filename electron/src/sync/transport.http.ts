/**
 * The HTTP transport over `fetch` (Node 20 and Electron both have it): device token as a bearer,
 * JSON bodies, a timeout on every request so a half-open connection cannot stall the agent.
 * This file is a process-edge adapter: it is the one place the sync agent meets the real network.
 */
import { long_poll_wait_seconds_max, type EnrollRequest, type PushRequest, type RecoverRequest } from '@payme/shared';
import { SyncNetworkError, type SyncTransport, type TillHealth, type TransportResponse } from './transport.js';

/** A request that is not a long-poll gets this long before it counts as lost. */
export const request_timeout_ms = 30_000;
/** A long-poll gets its wait plus this margin. */
export const long_poll_margin_ms = 10_000;

export interface HttpTransportOptions {
  /** `https://sync.example.co.ke` (no trailing slash needed). */
  baseUrl: string;
  /** The device token issued at enrollment; read on every request so a re-enrollment takes effect. */
  deviceToken: () => string | null;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function createHttpTransport(options: HttpTransportOptions): SyncTransport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? request_timeout_ms;

  async function request(method: 'GET' | 'POST', path: string, body: unknown, timeout: number, authorized = true): Promise<TransportResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.deviceToken();
    if (authorized && token !== null) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      throw new SyncNetworkError(`${method} ${path}: no answer (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The status arrived but the body did not: the answer is lost, exactly like a dropped response.
      throw new SyncNetworkError(`${method} ${path}: the answer was cut off`, { cause: error });
    }
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = { code: 'not_json', message: text.slice(0, 500) };
      }
    }
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name.toLowerCase()] = value;
    });
    return { status: response.status, body: parsed, headers: responseHeaders };
  }

  return {
    push: (body: PushRequest) => request('POST', '/v1/sync/push', body, timeoutMs),
    pull: (after: string, wait_seconds: number, health: TillHealth = {}) => {
      const wait = Math.max(0, Math.min(long_poll_wait_seconds_max, Math.floor(wait_seconds)));
      const query = new URLSearchParams({ after, wait: String(wait) });
      if (health.outbox_depth !== undefined) query.set('outbox_depth', String(health.outbox_depth));
      if (health.app_version !== undefined) query.set('app_version', health.app_version);
      return request('GET', `/v1/sync/pull?${query.toString()}`, undefined, wait * 1000 + long_poll_margin_ms);
    },
    recover: (body: RecoverRequest) => request('POST', '/v1/sync/recover', body, timeoutMs),
    // Enrollment is public: the one-time code is the credential, not a device token.
    enroll: (body: EnrollRequest) => request('POST', '/v1/tills/enroll', body, timeoutMs, false),
  };
}
