/**
 * The sync agent's one window on the network (DESIGN §5). One implementation talks HTTP to the
 * sync server (`transport.http.ts`); the simulation hands in an in-process one wrapped by a
 * simulated network. A transport resolves with whatever the server answered (any status) and
 * rejects only when no answer arrived: that difference is what "offline" means to the agent.
 */
import type { EnrollRequest, PushRequest, RecoverRequest } from '@payme/shared';

/** What the till says about itself on a push or pull, for the owner's till page (issue 13). */
export interface TillHealth {
  outbox_depth?: number;
  app_version?: string;
}

export interface TransportResponse {
  status: number;
  body: unknown;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
}

export interface SyncTransport {
  push(body: PushRequest): Promise<TransportResponse>;
  /**
   * `GET /v1/sync/pull?after=<cursor>&wait=<seconds>` (long-poll when wait > 0), with the till's
   * health (`outbox_depth`, `app_version`) when given.
   */
  pull(after: string, wait_seconds: number, health?: TillHealth): Promise<TransportResponse>;
  recover(body: RecoverRequest): Promise<TransportResponse>;
  enroll(body: EnrollRequest): Promise<TransportResponse>;
}

/** No answer reached the till: refused connection, reset, timeout, DNS, a dropped packet. */
export class SyncNetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SyncNetworkError';
  }
}
