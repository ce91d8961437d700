/**
 * The simulated network between the tills and the in-process server. Requests go through
 * fastify's `inject` (the real routes, auth, validation and error handling, no sockets). While
 * faults are on, each request may be dropped on the way in, answered into the void (the
 * server acted, the till never heard), duplicated, or held back and delivered later out of
 * order; a till may be offline and the server may be down. Every choice comes from the seeded
 * random, and the simulation awaits each delivery, so a seed replays exactly.
 */
import type { FastifyInstance } from 'fastify';
import type { SeededRandom } from '@payme/shared';
import { SyncNetworkError, type SyncTransport, type TransportResponse } from '@payme/till/sync';

export interface NetworkFaults {
  /** Probabilities in per-mille. */
  drop_request_pm: number;
  drop_response_pm: number;
  duplicate_pm: number;
  delay_pm: number;
}

export const default_network_faults: NetworkFaults = { drop_request_pm: 80, drop_response_pm: 80, duplicate_pm: 60, delay_pm: 60 };

/** Held-back copies waiting for late delivery, at most this many (the oldest goes first). */
const late_queue_max = 50;

export interface SimRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  token: string | null;
}

export class SimNetwork {
  faultsOn = true;
  serverDown = false;
  readonly offline = new Set<number>();
  private readonly late: SimRequest[] = [];
  /** Sees every request the server answered and its answer (the wire contract test reads them). */
  observer: ((request: Readonly<SimRequest>, response: TransportResponse) => void) | null = null;
  readonly counts = { requests: 0, dropped_requests: 0, dropped_responses: 0, duplicated: 0, delayed: 0, late_delivered: 0, late_recovers_delivered: 0 };

  constructor(
    private readonly random: SeededRandom,
    private readonly server: () => FastifyInstance | null,
    private readonly faults: NetworkFaults = default_network_faults,
  ) {}

  private roll(perMille: number): boolean {
    return this.faultsOn && this.random.int(0, 999) < perMille;
  }

  private async deliver(request: SimRequest): Promise<TransportResponse> {
    const app = this.server();
    if (app === null || this.serverDown) throw new SyncNetworkError('server is down');
    const response = await app.inject({
      method: request.method,
      url: request.url,
      ...(request.body === undefined ? {} : { payload: request.body as Record<string, unknown> }),
      headers: request.token === null ? {} : { authorization: `Bearer ${request.token}` },
    });
    let body: unknown = null;
    if (response.body !== '') {
      try {
        body = JSON.parse(response.body) as unknown;
      } catch {
        body = { code: 'not_json', message: response.body.slice(0, 200) };
      }
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name.toLowerCase()] = String(value);
    const answer = { status: response.statusCode, body, headers };
    this.observer?.(request, answer);
    return answer;
  }

  private async send(till: number, request: SimRequest): Promise<TransportResponse> {
    this.counts.requests += 1;
    if (this.offline.has(till)) throw new SyncNetworkError(`till ${till} is offline`);
    if (this.roll(this.faults.drop_request_pm)) {
      this.counts.dropped_requests += 1;
      throw new SyncNetworkError('request lost');
    }
    if (this.roll(this.faults.delay_pm)) {
      // Held back past the till's timeout: the till gives up, the request arrives later.
      this.counts.delayed += 1;
      this.hold(request);
      throw new SyncNetworkError('request delayed past the timeout');
    }
    if (this.roll(this.faults.duplicate_pm)) {
      this.counts.duplicated += 1;
      this.hold(request);
    }
    const response = await this.deliver(request);
    if (this.roll(this.faults.drop_response_pm)) {
      this.counts.dropped_responses += 1;
      throw new SyncNetworkError('answer lost');
    }
    return response;
  }

  private hold(request: SimRequest): void {
    if (this.late.length >= late_queue_max) this.late.shift();
    this.late.push(request);
  }

  get lateCount(): number {
    return this.late.length;
  }

  /** Delivers one held-back request (chosen at random); its answer goes nowhere. */
  async deliverLate(): Promise<boolean> {
    if (this.late.length === 0 || this.serverDown) return false;
    const [request] = this.late.splice(this.random.int(0, this.late.length - 1), 1);
    this.counts.late_delivered += 1;
    if (request!.url === '/v1/sync/recover') this.counts.late_recovers_delivered += 1;
    await this.deliver(request!);
    return true;
  }

  /** A till's transport over this network; the device token is read on each request. */
  transportFor(till: number, token: () => string | null): SyncTransport {
    return {
      push: (body) => this.send(till, { method: 'POST', url: '/v1/sync/push', body, token: token() }),
      pull: (after, wait) => this.send(till, { method: 'GET', url: `/v1/sync/pull?after=${encodeURIComponent(after)}&wait=${wait}`, token: token() }),
      recover: (body) => this.send(till, { method: 'POST', url: '/v1/sync/recover', body, token: token() }),
      enroll: (body) => this.send(till, { method: 'POST', url: '/v1/tills/enroll', body, token: null }),
    };
  }
}
