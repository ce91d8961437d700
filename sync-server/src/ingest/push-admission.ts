/**
 * Fair admission of pushes (issue 16). After a town-wide cut, tills come back together with hours
 * of sales each, while the tills that stayed online keep pushing one sale at a time. Without
 * admission every push ran at once and took turns on the database in arrival order, so a live
 * sale waited behind every backlog batch that came first.
 *
 * A push holds one of `in_flight_max` slots while it runs. Waiting pushes are granted a slot:
 * - small pushes (at most `small_push_events_max` events: a till that is keeping up) first;
 * - bulk pushes (a backlog) take at most `bulk_in_flight_max` slots, so one is left for a live sale;
 * - within each kind, the business served longest ago first, then its till served longest ago,
 *   so a business with twenty tills catching up does not crowd out a business with one;
 * - a till has one push in flight at a time (its row lock would queue the others anyway).
 * The queue is bounded: past `bulk_queue_max` waiting a bulk push is refused, past `queue_max` any
 * push, and past `till_queue_max` waiting pushes of one till its next (copies of one batch, a
 * till's retries, count once: each is answered in turn, duplicate after the first); a refusal is
 * `429 push_busy` with Retry-After (an estimate from the pushes ahead and the recent service time),
 * and the till's agent backs off and sends smaller batches (electron/src/sync/push-step.ts).
 *
 * M-Pesa callback acknowledgements stay ahead of every push (DESIGN §7): they never pass through
 * here, and before granting a slot the scheduler waits, briefly and bounded, while one is being
 * stored (`beforeGrant`, the M-Pesa service's yieldToAcknowledgements).
 */
import type { Clock } from '@payme/shared';
import { HttpError } from '../http/errors.js';

export interface PushAdmissionLimits {
  /** Pushes running at once. */
  in_flight_max: number;
  /** Of those, bulk pushes at most (one slot is kept for small pushes when there are two or more). */
  bulk_in_flight_max: number;
  /** A push of at most this many events is small: a till keeping up, sale by sale. */
  small_push_events_max: number;
  /** Pushes waiting, of any kind; past it even a small push is refused. */
  queue_max: number;
  /** Bulk pushes waiting; past it a bulk push is refused (small ones still wait). */
  bulk_queue_max: number;
  /** Pushes of one till waiting (a till sends one at a time; more are its retries). */
  till_queue_max: number;
  /** Longest Retry-After the server names. */
  retry_after_s_max: number;
  /** A longer push is applied in slices of this many events, its slot given up between them (push-slices.ts). */
  slice_events_max: number;
}

export const default_push_admission: PushAdmissionLimits = {
  in_flight_max: 4,
  bulk_in_flight_max: 3,
  small_push_events_max: 20,
  queue_max: 64,
  bulk_queue_max: 48,
  till_queue_max: 2,
  retry_after_s_max: 30,
  slice_events_max: 200,
};

/** On PGlite one connection serves every transaction: two pushes in flight overlap only their parsing. */
export function pushAdmissionFor(dbKind: 'pglite' | 'postgres', limits: Partial<PushAdmissionLimits> = {}): PushAdmissionLimits {
  const base = dbKind === 'pglite' ? { ...default_push_admission, in_flight_max: 2, bulk_in_flight_max: 1, slice_events_max: 50 } : default_push_admission;
  return { ...base, ...limits };
}

export interface PushTicket {
  /** Gives the slot back (once; later calls do nothing). */
  release(): void;
}

interface Waiting {
  business_id: string;
  till_id: string;
  /** Copies of one batch (a till's retries) share it; they take one place of the till's. */
  batch: string | undefined;
  small: boolean;
  order: number;
  grant: (ticket: PushTicket) => void;
}

/** What a push is, for admission: whose it is and how many events it carries. */
export interface PushAdmissionRequest {
  business_id: string;
  till_id: string;
  events: number;
  /**
   * Names the batch (pushBatchKey): copies of a batch already waiting are its retries, answered
   * in turn (duplicate) rather than refused, bounded by `queue_max`. Without it each push is its own.
   */
  batch?: string;
}

/** A first guess at a push's service time, before any has been measured. */
const service_ms_initial = 100;
/** Weight of the newest service time in the running mean. */
const service_ms_weight = 0.2;

export class PushAdmission {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private bulkInFlight = 0;
  private readonly tillsInFlight = new Set<string>();
  private readonly servedAt = new Map<string, number>();
  private serveCount = 0;
  private arrivals = 0;
  private meanServiceMs = service_ms_initial;
  private pumping = false;

  constructor(
    readonly limits: PushAdmissionLimits,
    /** Paces, never records: measures how long a push held its slot. */
    private readonly clock: Clock,
    /** Awaited before each grant: lets M-Pesa acknowledgements go first (DESIGN §7). */
    public beforeGrant: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /**
   * Waits for a slot, or throws `429 push_busy` (Retry-After) when the queue is full. The next slice
   * of a push already admitted (`continuing`) is never refused: it waits its turn.
   */
  admit(request: PushAdmissionRequest, options: { continuing?: boolean } = {}): Promise<PushTicket> {
    const small = request.events <= this.limits.small_push_events_max;
    try {
      if (options.continuing !== true) this.refuseWhenFull(request, small);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<PushTicket>((grant) => {
      this.waiting.push({ business_id: request.business_id, till_id: request.till_id, batch: request.batch, small, order: (this.arrivals += 1), grant });
      void this.pump();
    });
  }

  /** Pushes waiting for a slot, and pushes holding one (for /metrics and tests). */
  get depth(): { waiting: number; in_flight: number } {
    return { waiting: this.waiting.length, in_flight: this.inFlight };
  }

  private refuseWhenFull(request: PushAdmissionRequest, small: boolean): void {
    const batchesOfTill = new Set<string | Waiting>();
    let copyWaiting = false;
    for (const entry of this.waiting) {
      if (entry.business_id !== request.business_id || entry.till_id !== request.till_id) continue;
      batchesOfTill.add(entry.batch ?? entry);
      if (request.batch !== undefined && entry.batch === request.batch) copyWaiting = true;
    }
    const ofTill = copyWaiting ? 0 : batchesOfTill.size;
    const bulkWaiting = this.waiting.filter((entry) => !entry.small).length;
    let reason: string | null = null;
    if (ofTill >= this.limits.till_queue_max) reason = 'this till already has pushes waiting';
    else if (this.waiting.length >= this.limits.queue_max) reason = 'too many pushes are waiting';
    else if (!small && bulkWaiting >= this.limits.bulk_queue_max) reason = 'too many catching-up pushes are waiting';
    if (reason === null) return;
    const seconds = this.retryAfterSeconds(small ? this.waiting.filter((entry) => entry.small).length : this.waiting.length);
    throw new HttpError(429, 'push_busy', `The server is busy (${reason}); push again in ${seconds} s, with fewer events`, undefined, { retry_after_seconds: seconds });
  }

  /** The wait the pushes ahead make, at the recent service time, spread over the slots. */
  private retryAfterSeconds(ahead: number): number {
    const ms = ((ahead + this.inFlight + 1) * this.meanServiceMs) / this.limits.in_flight_max;
    return Math.min(this.limits.retry_after_s_max, Math.max(1, Math.ceil(ms / 1000)));
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.inFlight < this.limits.in_flight_max && this.waiting.length > 0) {
        await this.beforeGrant();
        const next = this.pick();
        if (next === null) break;
        this.start(next);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The next push to run, by the rules in the header; null when every waiting one must wait. */
  private pick(): Waiting | null {
    let best: Waiting | null = null;
    let bestKey: number[] = [];
    for (const entry of this.waiting) {
      if (this.tillsInFlight.has(tillKey(entry))) continue;
      if (!entry.small && this.bulkInFlight >= this.limits.bulk_in_flight_max) continue;
      const key = [entry.small ? 0 : 1, this.servedAt.get(entry.business_id) ?? 0, this.servedAt.get(tillKey(entry)) ?? 0, entry.order];
      if (best === null || lexicallyBefore(key, bestKey)) {
        best = entry;
        bestKey = key;
      }
    }
    return best;
  }

  private start(entry: Waiting): void {
    this.waiting.splice(this.waiting.indexOf(entry), 1);
    const till = tillKey(entry);
    this.inFlight += 1;
    if (!entry.small) this.bulkInFlight += 1;
    this.tillsInFlight.add(till);
    this.serveCount += 1;
    this.servedAt.set(entry.business_id, this.serveCount);
    this.servedAt.set(till, this.serveCount);
    const startedAt = this.clock.now();
    let released = false;
    entry.grant({
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        if (!entry.small) this.bulkInFlight -= 1;
        this.tillsInFlight.delete(till);
        this.meanServiceMs += service_ms_weight * (this.clock.now() - startedAt - this.meanServiceMs);
        this.forgetIdle();
        void this.pump();
      },
    });
  }

  /** Keeps the served-at memory to what is waiting or running, so it stays as small as the queue. */
  private forgetIdle(): void {
    if (this.servedAt.size <= 4 * (this.limits.queue_max + this.limits.in_flight_max)) return;
    const live = new Set<string>([...this.tillsInFlight]);
    for (const entry of this.waiting) live.add(entry.business_id).add(tillKey(entry));
    for (const till of this.tillsInFlight) live.add(till.slice(0, till.indexOf('/')));
    for (const key of [...this.servedAt.keys()]) if (!live.has(key)) this.servedAt.delete(key);
  }
}

function tillKey(entry: { business_id: string; till_id: string }): string {
  return `${entry.business_id}/${entry.till_id}`;
}

function lexicallyBefore(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i += 1) {
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) < (b[i] as number);
  }
  return false;
}
