/**
 * The agent's working state and configuration, shared by the push, pull and recovery steps.
 * Nothing here is durable: the journal and the acknowledgements live in the ledger, so a
 * restarted till rebuilds this from scratch and simply pushes again (the server deduplicates).
 */
import { appVersion, outboxDepth, push_batch_events_max, push_body_bytes_max, type Clock, type EnrollResponse, type ErrorCode, type Random } from '@payme/shared';
import type { Scheduler } from './scheduler.js';
import type { SyncLedger } from './sync-ledger.js';
import type { SyncTransport, TillHealth } from './transport.js';
import type { BackoffConfig } from './backoff.js';

export interface SyncAgentConfig extends BackoffConfig {
  /** Events per push, at most the protocol's 500. */
  push_batch_events: number;
  /** Bytes per push body, at most the protocol's 1 MiB. */
  push_body_bytes: number;
  /** Long-poll wait per pull (0 = plain poll, as the simulation uses). */
  pull_wait_seconds: number;
  /** With nothing to push, look again this often even without a wake-up. */
  idle_push_interval_ms: number;
  /** Between plain polls when `pull_wait_seconds` is 0 or a long-poll returned at once. */
  pull_interval_ms: number;
  /** When stuck on something only a person can fix (fenced, no code), ask again this often. */
  blocked_retry_ms: number;
  /**
   * A push answered slower than this halves the next batch; one answered in under a quarter of it
   * lets a full batch grow again (push-step.ts `adaptBatch`). A busy server answers slowly or with
   * 429, and smaller batches let the live sales of other tills through between them (issue 16).
   */
  push_answer_target_ms: number;
  /** The batch never shrinks below this many events. */
  push_batch_events_min: number;
}

export const default_sync_config: SyncAgentConfig = {
  push_batch_events: push_batch_events_max,
  push_body_bytes: push_body_bytes_max,
  pull_wait_seconds: 25,
  idle_push_interval_ms: 5_000,
  pull_interval_ms: 2_000,
  blocked_retry_ms: 60_000,
  push_answer_target_ms: 2_000,
  push_batch_events_min: 10,
  backoff_base_ms: 500,
  backoff_cap_ms: 60_000,
};

/** The alarms the status strip shows, each an error code with the cashier's words for it. */
export type SyncAlarmCode = Extract<
  ErrorCode,
  | 'chain_conflict'
  | 'till_fenced'
  | 'recovery_failed'
  | 'enrollment_needed'
  | 'enrollment_refused'
  | 'push_refused'
  | 'feed_refused'
  | 'unauthorized'
  | 'server_answer_invalid'
  | 'checkpoint_invalid'
  | 'server_history_changed'
  | 'internal'
>;

export interface SyncAlarm {
  code: SyncAlarmCode;
  message: string;
  since_ms: number;
  details?: Record<string, unknown>;
}

export interface Divergence {
  code: 'chain_conflict' | 'till_fenced';
  /** The last seq this till believes it shares with the server. */
  common_seq: number;
}

export interface QuarantinedEvent {
  seq: number;
  event_id: string;
  reason: string | undefined;
}

export interface AgentDeps {
  ledger: SyncLedger;
  transport: SyncTransport;
  clock: Clock;
  random: Random;
  scheduler: Scheduler;
  config: SyncAgentConfig;
  /** A fenced clone asks a person for an owner-issued enrollment code (null: none yet). */
  enrollmentCode?: () => string | null | Promise<string | null>;
  /** The name a re-enrolled till gives itself. */
  tillName?: string;
  /** Called after a re-enrollment so the host stores the new device token. */
  onReenrolled?: (enrollment: EnrollResponse) => void | Promise<void>;
  /** This build's version, reported with every push and pull (the owner's till page). */
  appVersion?: string;
}

/**
 * The till's health for a push or pull: its outbox depth and version. A value the server would
 * refuse is left out rather than sent, so a strange version string never stops the till syncing.
 */
export function tillHealth(deps: Pick<AgentDeps, 'ledger' | 'appVersion'>): TillHealth {
  const depth = deps.ledger.unsyncedCount();
  const version = deps.appVersion !== undefined && appVersion.safeParse(deps.appVersion).success ? deps.appVersion : undefined;
  return {
    ...(outboxDepth.safeParse(depth).success ? { outbox_depth: depth } : {}),
    ...(version === undefined ? {} : { app_version: version }),
  };
}

export class AgentState {
  /** null until the first request: neither online nor offline is known yet. */
  online: boolean | null = null;
  last_push_at: number | null = null;
  last_pull_at: number | null = null;
  alarm: SyncAlarm | null = null;
  mode: 'syncing' | 'recovering' | 'needs_enrollment' = 'syncing';
  divergence: Divergence | null = null;
  /** A `seq_gap` asked for events from here (may be at or below our acked seq). */
  resend_from: number | null = null;
  /** Events the next push may carry, adapted to how fast the server answers (null: the configured batch). */
  push_batch_limit: number | null = null;
  push_attempt = 0;
  pull_attempt = 0;
  recover_attempt = 0;
  recoveries = 0;

  raise(code: SyncAlarmCode, message: string, now: number, details?: Record<string, unknown>): void {
    // Keep the first moment an ongoing alarm was raised, so the UI can say "since 10:42".
    const since_ms = this.alarm?.code === code ? this.alarm.since_ms : now;
    this.alarm = { code, message, since_ms, ...(details === undefined ? {} : { details }) };
  }

  clear(...codes: SyncAlarmCode[]): void {
    if (this.alarm !== null && codes.includes(this.alarm.code)) this.alarm = null;
  }

  diverge(divergence: Divergence, message: string, now: number): void {
    this.divergence = divergence;
    this.mode = divergence.code === 'till_fenced' ? 'needs_enrollment' : 'recovering';
    this.resend_from = null;
    this.raise(divergence.code, message, now, { common_seq: divergence.common_seq });
  }

  /**
   * A history that differs from the server's on a ledger nobody restored: this PC is a clone,
   * and the other copy pushed first and keeps the till's identity (DESIGN §5). Recovering here
   * would fence that other till instead, so this one stops pushing and waits to be moved to a
   * new till (`SyncAgent.moveToNewTill`).
   */
  treatAsClone(common_seq: number, reason: string, now: number): void {
    this.divergence = { code: 'chain_conflict', common_seq };
    this.mode = 'needs_enrollment';
    this.resend_from = null;
    this.raise(
      'enrollment_needed',
      `Another PC is using this till's identity (the server's history differs: ${reason}). Ask the owner for an enrollment code to register this PC as a new till; its sales are kept`,
      now,
      { common_seq },
    );
  }
}

/**
 * What a history that differs from the server's means (DESIGN §5 "Diverged history"): a ledger
 * marked restored (`payme-till restore`) recovers its history from the server; any other ledger
 * is the second copy of a cloned disk and must re-enroll as a new till.
 */
export function divergedHistory(deps: Pick<AgentDeps, 'ledger' | 'clock'>, state: AgentState, common_seq: number, reason: string): StepOutcome {
  const now = deps.clock.now();
  if (deps.ledger.restoreState().restored_at != null) state.diverge({ code: 'chain_conflict', common_seq }, reason, now);
  else state.treatAsClone(common_seq, reason, now);
  return { kind: 'diverged' };
}

/** What one step of a loop tells the loop to do next. */
export type StepOutcome =
  | { kind: 'idle' }
  | { kind: 'progress' }
  | { kind: 'retry'; delay_ms: number }
  | { kind: 'diverged' }
  /** Needs a person (an enrollment code, a look at a refused history); the loop waits and asks again. */
  | { kind: 'blocked' };
