/**
 * The till's sync agent (DESIGN §5): a push loop, a pull loop and the recovery path, over an
 * injected transport, clock, random source and scheduler. It only reads the journal and records
 * what the server acknowledged, so selling never waits for it; every failure it cannot fix
 * becomes a visible alarm in `status()`.
 *
 * The loops are made of single steps (`pushStep`, `pullStep`, `recoverStep`) that the simulation
 * and the tests also drive one at a time.
 */
import { PaymeError, isoAt, type Clock, type EnrollResponse, type Random } from '@payme/shared';
import { AgentState, default_sync_config, type AgentDeps, type QuarantinedEvent, type StepOutcome, type SyncAgentConfig, type SyncAlarm } from './agent-state.js';
import { pullStep } from './pull-step.js';
import { pushStep } from './push-step.js';
import { enrollAndMove, recoverStep } from './recovery.js';
import type { Scheduler } from './scheduler.js';
import type { SyncLedger } from './sync-ledger.js';
import type { SyncTransport } from './transport.js';

export interface SyncAgentOptions {
  ledger: SyncLedger;
  transport: SyncTransport;
  clock: Clock;
  random: Random;
  scheduler: Scheduler;
  config?: Partial<SyncAgentConfig>;
  enrollmentCode?: () => string | null | Promise<string | null>;
  tillName?: string;
  onReenrolled?: (enrollment: EnrollResponse) => void | Promise<void>;
  /** This build's version, reported to the server with pushes and pulls. */
  appVersion?: string;
}

/** The till API's `syncStatus` output (shared/src/schemas/till-api.ts). */
export interface SyncStatus {
  online: boolean;
  last_push_at: string | null;
  last_pull_at: string | null;
  unsynced_count: number;
  quarantined_count: number;
  alarm: { code: string; message: string } | null;
}

export interface SyncDetail {
  mode: AgentState['mode'];
  alarm: SyncAlarm | null;
  quarantined: QuarantinedEvent[];
  recoveries: number;
}

export class SyncAgent {
  private readonly deps: AgentDeps;
  private readonly state = new AgentState();
  private running: { stop: AbortController; loops: Promise<void>[] } | null = null;
  private wakers = new Set<AbortController>();

  constructor(options: SyncAgentOptions) {
    const config = { ...default_sync_config, ...options.config };
    if (config.push_batch_events < 1 || config.push_batch_events > default_sync_config.push_batch_events) {
      throw new RangeError(`push_batch_events must be 1..${default_sync_config.push_batch_events}`);
    }
    if (config.push_body_bytes > default_sync_config.push_body_bytes) {
      throw new RangeError(`push_body_bytes may be at most ${default_sync_config.push_body_bytes}`);
    }
    this.deps = { ...options, config };
  }

  status(): SyncStatus {
    const alarm = this.state.alarm;
    return {
      online: this.state.online === true,
      last_push_at: this.state.last_push_at === null ? null : isoAt(this.state.last_push_at),
      last_pull_at: this.state.last_pull_at === null ? null : isoAt(this.state.last_pull_at),
      unsynced_count: this.deps.ledger.unsyncedCount(),
      quarantined_count: this.deps.ledger.quarantinedCount(),
      alarm: alarm === null ? null : { code: alarm.code, message: alarm.message },
    };
  }

  detail(): SyncDetail {
    return { mode: this.state.mode, alarm: this.state.alarm, quarantined: this.deps.ledger.quarantinedEvents().map((mark) => ({ ...mark })), recoveries: this.state.recoveries };
  }

  /** One push attempt, or one recovery attempt while the history is being repaired. */
  async pushStep(): Promise<StepOutcome> {
    return this.guard(() => {
      this.recoverIfRestored();
      return this.state.mode === 'syncing' ? pushStep(this.deps, this.state) : recoverStep(this.deps, this.state);
    }, 'push_attempt');
  }

  /** One pull (paused while recovering: the feed's acked seq would not match the journal). */
  async pullStep(wait_seconds = this.deps.config.pull_wait_seconds): Promise<StepOutcome> {
    this.recoverIfRestored();
    if (this.state.mode !== 'syncing') return { kind: 'blocked' };
    return this.guard(() => pullStep(this.deps, this.state, wait_seconds), 'pull_attempt');
  }

  /**
   * The operator's answer to `till_fenced` (DESIGN §5): another PC kept this till's identity, so
   * this one enrolls as a new till with an owner-issued `code`, and its unacknowledged events are
   * re-appended under the new till id (original event ids, new seqs) and pushed from there.
   * Refused unless the server fenced this till; errors name the `code` field.
   */
  async moveToNewTill(code: string): Promise<{ till_id: string; reappended: number }> {
    if (this.state.mode !== 'needs_enrollment') {
      throw new PaymeError('not_fenced', 'code: this till was not fenced by the server (no other PC took its identity); there is nothing to move', 'code');
    }
    if (typeof code !== 'string' || code.trim() === '') throw new PaymeError('invalid_input', 'code: enter the enrollment code the owner issued', 'code');
    const moved = await enrollAndMove(this.deps, this.state, code.trim());
    if (!moved.ok) throw new PaymeError(moved.code, `code: ${moved.message}`, 'code');
    this.notifyLocalWrite();
    return { till_id: moved.till_id, reappended: moved.reappended };
  }

  /** A ledger put back from a backup recovers its history before anything else (DESIGN §5). */
  private recoverIfRestored(): void {
    if (this.state.mode !== 'syncing' || this.deps.ledger.restoreState().restored_at == null || this.deps.ledger.identity() === null) return;
    this.state.diverge({ code: 'chain_conflict', common_seq: this.deps.ledger.ackedSeq() }, 'This till was restored from a backup; it fetches its history from the server before syncing', this.deps.clock.now());
  }

  /** Tells the push loop a command just wrote an event, so it pushes now instead of at the next tick. */
  notifyLocalWrite(): void {
    for (const waker of this.wakers) waker.abort();
    this.wakers.clear();
  }

  start(): void {
    if (this.running !== null) return;
    const stop = new AbortController();
    this.running = { stop, loops: [] };
    this.running.loops.push(this.loop(stop.signal, () => this.pushStep(), this.deps.config.idle_push_interval_ms));
    this.running.loops.push(this.loop(stop.signal, () => this.pullStep(), this.deps.config.pull_interval_ms));
  }

  /** Stops both loops and waits for the steps in flight to finish. */
  async stop(): Promise<void> {
    const running = this.running;
    if (running === null) return;
    this.running = null;
    running.stop.abort();
    this.notifyLocalWrite();
    await Promise.all(running.loops);
  }

  private async loop(stop: AbortSignal, step: () => Promise<StepOutcome>, idleMs: number): Promise<void> {
    while (!stop.aborted) {
      const outcome = await step();
      if (stop.aborted) break;
      switch (outcome.kind) {
        case 'progress':
        case 'diverged':
          break;
        case 'idle':
          await this.sleepOrWake(idleMs, stop);
          break;
        case 'retry':
          await this.deps.scheduler.sleep(outcome.delay_ms, stop);
          break;
        case 'blocked':
          await this.sleepOrWake(this.deps.config.blocked_retry_ms, stop);
          break;
      }
    }
  }

  private async sleepOrWake(ms: number, stop: AbortSignal): Promise<void> {
    const waker = new AbortController();
    const onStop = () => waker.abort();
    stop.addEventListener('abort', onStop, { once: true });
    this.wakers.add(waker);
    try {
      await this.deps.scheduler.sleep(ms, waker.signal);
    } finally {
      this.wakers.delete(waker);
      stop.removeEventListener('abort', onStop);
    }
  }

  /** A step that throws (a closed or busy database) must not kill the loop: alarm and back off. */
  private async guard(run: () => Promise<StepOutcome>, which: 'push_attempt' | 'pull_attempt'): Promise<StepOutcome> {
    try {
      return await run();
    } catch (error) {
      this.state.raise('internal', `Sync stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`, this.deps.clock.now());
      this.state[which] += 1;
      return { kind: 'retry', delay_ms: Math.min(this.deps.config.backoff_cap_ms, this.deps.config.backoff_base_ms * 2 ** Math.min(this.state[which], 16)) };
    }
  }
}

export function createSyncAgent(options: SyncAgentOptions): SyncAgent {
  return new SyncAgent(options);
}

