/**
 * The M-Pesa service the routes and the worker share: the business's account and Daraja
 * client, the stored callbacks' processor, and the job runner, driven by `kick()` after a
 * callback is stored and by a timer in `serve` (tests call `drain()` with a ManualClock).
 */
import { createHash } from 'node:crypto';
import type { Clock, Random } from '@payme/shared';
import { pacingClock } from '../pacing-clock.js';
import type { Db } from '../db/db.js';
import { DarajaClient, type DarajaClientConfig, type Fetch } from './daraja-client.js';
import type { Keyring } from './credentials.js';
import { loadMpesaAccount, type MpesaAccount } from './mpesa-account.js';
import { processStoredCallbacks } from './callback-processor.js';
import { sweepClaims } from './c2b-callback.js';
import { claimDueJob, retryJobLater } from './mpesa-jobs.js';
import { runJob, sweepReversalRequests } from './mpesa-job-handlers.js';
import { sweepGivenUpJobs, type WarnLog } from './job-give-up.js';

export interface MpesaServiceOptions {
  db: Db;
  clock: Clock;
  random: Random;
  keyring: Keyring;
  fetch?: Fetch;
  /** Called after a transaction that changed payments has committed (feed wake-up). */
  notifyFeed?: (businessId: string) => void;
  /** How long a requested payment waits for its callback before it is queried (DESIGN §7). */
  stk_deadline_ms?: number;
  /** Timeouts and retries of the Daraja client. */
  client?: Partial<Omit<DarajaClientConfig, 'base_url' | 'consumer_key' | 'consumer_secret'>>;
  /** Sleep between Daraja client retries (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  onError?: (error: unknown, where: string) => void;
  /** Warnings for whoever runs the server (a job that gave up); never given a secret. */
  onWarn?: WarnLog;
  /** Paces acknowledgements before processing (real time, not domain time): pacing-clock.ts by default. */
  pacing?: Clock;
}

/** Daraja gives the customer about a minute to answer; the callback normally follows at once. */
export const stk_deadline_ms_default = 120_000;
/** Work items handled per drain round before yielding, so one busy business cannot starve a tick. */
const drain_batch_max = 200;
/**
 * While callbacks are being acknowledged, processing steps aside (PGlite has one connection, and
 * Daraja waits on the acknowledgement, not on the processing) — but never for longer than this,
 * so a steady stream of callbacks cannot starve the processing.
 */
export const ack_priority_wait_ms_max = 50;
/**
 * How long after the last acknowledgement processing still counts callbacks as arriving. Under a
 * burst the requests come in waves (each answer lets its connection send the next), and between
 * two waves none is in flight for a moment; without this, processing took those moments and every
 * next wave waited on a transaction, so half the server's time went to processing mid-burst.
 */
export const ack_quiet_ms = 3;

export class MpesaService {
  readonly env: { db: Db; clock: Clock; random: Random };
  readonly stk_deadline_ms: number;
  private readonly clients = new Map<string, { fingerprint: string; client: DarajaClient }>();
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private currentKeyring: Keyring;
  private acksInFlight = 0;
  private lastAckAt = Number.NEGATIVE_INFINITY;
  private readonly pacing: Clock;

  constructor(readonly options: MpesaServiceOptions) {
    this.env = { db: options.db, clock: options.clock, random: options.random };
    this.pacing = options.pacing ?? pacingClock;
    this.stk_deadline_ms = options.stk_deadline_ms ?? stk_deadline_ms_default;
    this.currentKeyring = options.keyring;
  }

  get keyring(): Keyring {
    return this.currentKeyring;
  }

  /** After `keys rotate`: opens credentials with the new keyring from now on. */
  useKeyring(keyring: Keyring): void {
    this.currentKeyring = keyring;
  }

  account(businessId: string): Promise<MpesaAccount | undefined> {
    return loadMpesaAccount(this.options.db, this.currentKeyring, businessId);
  }

  /** One client per business and credential set, so its OAuth token is reused until expiry. */
  clientFor(account: MpesaAccount): DarajaClient {
    const fingerprint = createHash('sha256').update(`${account.base_url}\n${account.secrets.consumer_key}\n${account.secrets.consumer_secret}`).digest('hex');
    const cached = this.clients.get(account.business_id);
    if (cached && cached.fingerprint === fingerprint) return cached.client;
    const client = new DarajaClient(
      { ...this.options.client, base_url: account.base_url, consumer_key: account.secrets.consumer_key, consumer_secret: account.secrets.consumer_secret },
      {
        fetch: this.options.fetch ?? ((url, init) => fetch(url, init)),
        clock: this.options.clock,
        random: this.options.random,
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      },
    );
    this.clients.set(account.business_id, { fingerprint, client });
    return client;
  }

  notify(businessId: string): void {
    this.options.notifyFeed?.(businessId);
  }

  reportError(error: unknown, where: string): void {
    this.options.onError?.(error, where);
  }

  /** Brackets the storing of a callback, so processing can let acknowledgements go first. */
  async acknowledging<T>(store: () => Promise<T>): Promise<T> {
    this.acksInFlight += 1;
    try {
      return await store();
    } finally {
      this.acksInFlight -= 1;
      this.lastAckAt = this.pacing.now();
    }
  }

  /** Whether a callback is being acknowledged or was within the last `ack_quiet_ms`. */
  private acknowledgementsBusy(): boolean {
    return this.acksInFlight > 0 || this.pacing.now() - this.lastAckAt < ack_quiet_ms;
  }

  /** Waits (briefly, bounded) until callbacks have stopped arriving for a moment. */
  async yieldToAcknowledgements(): Promise<void> {
    // Real time on purpose: this paces the process, it is not domain time.
    const started = this.pacing.now();
    // First a turn of the event loop: PGlite answers within microtasks, so a drain that never
    // reached the poll phase would leave arriving callbacks unread (and uncounted) until it ends.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.acknowledgementsBusy() && this.pacing.now() - started < ack_priority_wait_ms_max) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Starts draining soon unless a drain is running (which then runs once more). */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        await this.drainOnce().catch((error: unknown) => this.reportError(error, 'mpesa drain'));
      } while (this.again);
    })().finally(() => {
      this.draining = null;
    });
  }

  /** Processes every stored callback and every due job, until nothing is left (tests). */
  async drain(): Promise<void> {
    for (;;) {
      if (this.draining) await this.draining;
      const worked = await this.drainOnce();
      if (worked === 0) return;
    }
  }

  /** The serve loop: wakes every `interval_ms` for due jobs (deadlines and backoffs). */
  start(intervalMs = 1_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.draining) await this.draining;
  }

  private async drainOnce(): Promise<number> {
    let worked = await processStoredCallbacks(this, drain_batch_max);
    worked += await sweepReversalRequests(this);
    worked += await sweepClaims(this.env.db, this.env);
    for (let i = 0; i < drain_batch_max; i += 1) {
      // Jobs too let acknowledgements go first: an STK confirmation is a query to Daraja and
      // several statements, while Daraja waits on the answer to its next callback.
      await this.yieldToAcknowledgements();
      const job = await claimDueJob(this.env.db, this.env.clock);
      if (!job) break;
      worked += 1;
      try {
        await runJob(this, job);
      } catch (error) {
        this.reportError(error, `mpesa job ${job.kind}`);
        await retryJobLater(this.env.db, this.env, job, error instanceof Error ? error.message : String(error));
      }
    }
    worked += await sweepGivenUpJobs(this.env, this.options.onWarn);
    return worked;
  }
}
