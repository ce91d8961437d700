/**
 * Diverged history, till side (DESIGN §5): a till restored from a backup (or a clone) learns
 * from `POST /v1/sync/recover` what the server holds of it, adopts that, re-appends its own
 * unacknowledged events after the server's head and resumes under the new epoch. A fenced till
 * (the other half of a clone) re-enrolls as a new till and keeps its events.
 *
 * The journal surgery itself is one ledger transaction (`adoptRecoveredHistory`,
 * `moveToNewTill`); the agent only fetches what the server holds and hands it over.
 */
import { PaymeError, enrollResponseSchema, recoverResponseSchema, type RecoverResponse } from '@payme/shared';
import type { AgentDeps, AgentState, StepOutcome } from './agent-state.js';
import { backoff, retryAfterAnswer } from './push-step.js';

/** Pages of a recover answer the agent follows before giving up for this attempt. */
export const recover_pages_max = 1_000;

interface Recovered {
  first: RecoverResponse;
  last: RecoverResponse;
  events: Record<string, unknown>[];
}

type RecoverFetch = { ok: true; recovered: Recovered } | { ok: false; outcome: StepOutcome };

async function fetchRecovery(deps: AgentDeps, state: AgentState, till_id: string, epoch: number, common_hint: number): Promise<RecoverFetch> {
  let first: RecoverResponse | null = null;
  let last: RecoverResponse | null = null;
  const events: Record<string, unknown>[] = [];
  let from = common_hint;
  for (let page = 0; page < recover_pages_max; page += 1) {
    let response;
    try {
      response = await deps.transport.recover({ till_id, epoch: last?.epoch ?? epoch, last_common_seq: from });
    } catch {
      state.online = false;
      return { ok: false, outcome: backoff(deps, state, 'recover_attempt') };
    }
    state.online = true;
    if (response.status === 409 && (response.body as { code?: unknown } | null)?.code === 'till_fenced') {
      state.diverge({ code: 'till_fenced', common_seq: 0 }, 'Another PC is using this till\'s identity; enroll this one as a new till', deps.clock.now());
      return { ok: false, outcome: { kind: 'diverged' } };
    }
    if (response.status !== 200) return { ok: false, outcome: retryAfterAnswer(deps, state, 'recover_attempt', response) };
    const parsed = recoverResponseSchema.safeParse(response.body);
    if (!parsed.success) {
      state.raise('server_answer_invalid', 'The sync server answered a recovery in a way this till does not understand', deps.clock.now());
      return { ok: false, outcome: backoff(deps, state, 'recover_attempt') };
    }
    first ??= parsed.data;
    last = parsed.data;
    events.push(...(parsed.data.events as Record<string, unknown>[]));
    const more = (response.body as { has_more?: unknown }).has_more === true;
    const lastSeq = events.length > 0 ? Number(events[events.length - 1]!['seq']) : from;
    if (!more || lastSeq <= from) return { ok: true, recovered: { first, last, events } };
    from = lastSeq;
  }
  return { ok: false, outcome: backoff(deps, state, 'recover_attempt') };
}

/**
 * The server's events that this till already holds with the same hash are not news: the true
 * common seq is the last of them. Returns it and the events after it.
 */
export function trimCommonPrefix(deps: AgentDeps, common_hint: number, events: readonly Record<string, unknown>[]): { common_seq: number; rest: Record<string, unknown>[] } {
  let common = common_hint;
  const local = new Map(deps.ledger.eventsFrom(common_hint + 1, events.length).map((event) => [event.seq, event.hash]));
  let index = 0;
  while (index < events.length) {
    const event = events[index]!;
    const seq = Number(event['seq']);
    if (seq !== common + 1 || local.get(seq) !== event['hash']) break;
    common = seq;
    index += 1;
  }
  return { common_seq: common, rest: events.slice(index) };
}

export async function recoverStep(deps: AgentDeps, state: AgentState): Promise<StepOutcome> {
  if (state.mode === 'needs_enrollment') return reenrollStep(deps, state);
  const identity = deps.ledger.identity();
  if (identity === null || state.divergence === null) {
    state.mode = 'syncing';
    return { kind: 'progress' };
  }
  const hint = Math.min(state.divergence.common_seq, deps.ledger.ackedSeq());
  const fetched = await fetchRecovery(deps, state, identity.till_id, identity.epoch, hint);
  if (!fetched.ok) return fetched.outcome;
  const { first, last, events } = fetched.recovered;
  const { common_seq, rest } = trimCommonPrefix(deps, first.common_seq, events);
  try {
    deps.ledger.adoptRecoveredHistory({ epoch: last.epoch, common_seq, head: last.head, server_events: rest, receipt_counter: last.receipt_counter });
  } catch (error) {
    if (!(error instanceof PaymeError)) throw error;
    // The ledger refused the server's history (it does not chain, or clashes with this till's
    // own): nothing was written; a person must look, and the agent asks again later.
    state.raise('recovery_failed', `This till could not adopt the server's copy of its history: ${error.message}`, deps.clock.now(), { code: error.code });
    return { kind: 'blocked' };
  }
  state.mode = 'syncing';
  state.divergence = null;
  state.recover_attempt = 0;
  state.recoveries += 1;
  state.clear('chain_conflict', 'recovery_failed', 'server_answer_invalid');
  return { kind: 'progress' };
}

async function reenrollStep(deps: AgentDeps, state: AgentState): Promise<StepOutcome> {
  const now = deps.clock.now();
  // Only when the host hands codes in by itself; otherwise an operator calls `SyncAgent.moveToNewTill(code)`.
  const code = deps.enrollmentCode === undefined ? null : await deps.enrollmentCode();
  if (code === null) {
    state.raise('enrollment_needed', 'Another PC uses this till\'s identity: ask the owner for an enrollment code to register this PC as a new till', now);
    return { kind: 'blocked' };
  }
  const moved = await enrollAndMove(deps, state, code);
  return moved.ok ? { kind: 'progress' } : moved.outcome;
}

export type MoveAttempt =
  | { ok: true; till_id: string; reappended: number }
  | { ok: false; outcome: StepOutcome; code: 'offline' | 'server_busy' | 'enrollment_refused'; message: string };

/**
 * Enrolls this PC as a new till with `code` and moves the ledger's unacknowledged events to it
 * (DESIGN §5 fenced clone). Used by the recovery loop and by the operator's `moveToNewTill`.
 */
export async function enrollAndMove(deps: AgentDeps, state: AgentState, code: string): Promise<MoveAttempt> {
  const now = deps.clock.now();
  let response;
  try {
    response = await deps.transport.enroll({ code, name: deps.tillName ?? 'Till' });
  } catch {
    state.online = false;
    return { ok: false, outcome: backoff(deps, state, 'recover_attempt'), code: 'offline', message: 'The sync server cannot be reached; try again when the till is online' };
  }
  state.online = true;
  if (response.status === 429 || response.status >= 500) {
    return { ok: false, outcome: retryAfterAnswer(deps, state, 'recover_attempt', response), code: 'server_busy', message: `The sync server is busy (${response.status}); try again shortly` };
  }
  const parsed = response.status === 200 ? enrollResponseSchema.safeParse(response.body) : null;
  if (parsed === null || !parsed.success) {
    const reason = (response.body as { message?: unknown } | null)?.message;
    const message = `The enrollment code was refused (${response.status}${typeof reason === 'string' ? `: ${reason}` : ''}); ask the owner for a new one`;
    state.raise('enrollment_refused', message, now);
    return { ok: false, outcome: { kind: 'blocked' }, code: 'enrollment_refused', message };
  }
  const enrollment = parsed.data;
  // The token is stored first: should the till stop between the two, it can still authenticate
  // as the new till, and moving the events is a retry of a pure local transaction.
  await deps.onReenrolled?.(enrollment);
  const moved = deps.ledger.moveToNewTill({
    till_id: enrollment.till_id,
    epoch: enrollment.epoch,
    receipt_prefix: enrollment.receipt_prefix,
    business_id: enrollment.business_id,
    store_id: enrollment.store_id,
    server_public_key: enrollment.server_public_key,
  });
  state.mode = 'syncing';
  state.divergence = null;
  state.recover_attempt = 0;
  state.recoveries += 1;
  state.clear('till_fenced', 'enrollment_needed', 'enrollment_refused');
  return { ok: true, till_id: enrollment.till_id, reappended: moved.reappended };
}
