/**
 * One push attempt (DESIGN §5 Push): the next unacknowledged events in seq order, bounded by
 * events and bytes, under the till's epoch; then the server's answer decides what follows.
 * Acknowledgements are recorded only from an answer the server sent, never before.
 */
import {
  PaymeError,
  pushConflictBodySchema,
  pushResponseSchema,
  type EventEnvelope,
  type PaymeEvent,
} from '@payme/shared';
import { retryAfterMs, retryDelayMs } from './backoff.js';
import { divergedHistory, tillHealth, type AgentDeps, type AgentState, type StepOutcome } from './agent-state.js';

const encoder = new TextEncoder();
/** Room for `{"till_id":…,"epoch":…,"events":[]}` around the events. */
const push_envelope_overhead_bytes = 200;

/** The longest prefix of `events` within the event and byte limits (at least one event). */
export function takeBatch<T>(events: readonly T[], maxEvents: number, maxBytes: number): T[] {
  const batch: T[] = [];
  let bytes = push_envelope_overhead_bytes;
  for (const event of events) {
    if (batch.length >= maxEvents) break;
    const size = encoder.encode(JSON.stringify(event)).length + 1;
    if (batch.length > 0 && bytes + size > maxBytes) break;
    batch.push(event);
    bytes += size;
  }
  return batch;
}

export function backoff(deps: AgentDeps, state: AgentState, which: 'push_attempt' | 'pull_attempt' | 'recover_attempt'): StepOutcome {
  state[which] += 1;
  return { kind: 'retry', delay_ms: retryDelayMs(state[which], deps.random, deps.config) };
}

/** Backoff for an answer that is not a success: honours Retry-After (429, 503). */
export function retryAfterAnswer(
  deps: AgentDeps,
  state: AgentState,
  which: 'push_attempt' | 'pull_attempt' | 'recover_attempt',
  response: { headers: Readonly<Record<string, string | undefined>>; body: unknown },
): StepOutcome {
  const requested = retryAfterMs(response.headers, response.body, deps.clock.now());
  const outcome = backoff(deps, state, which);
  return requested === null ? outcome : { kind: 'retry', delay_ms: requested };
}

function errorText(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const { code, message } = body as { code?: unknown; message?: unknown };
    return `${typeof code === 'string' ? code : 'error'}: ${typeof message === 'string' ? message : JSON.stringify(body).slice(0, 200)}`;
  }
  return String(body).slice(0, 200);
}

/** The events the next push may carry: the configured batch, or less while the server is slow. */
export function batchLimit(config: AgentDeps['config'], state: AgentState): number {
  return Math.min(config.push_batch_events, state.push_batch_limit ?? config.push_batch_events);
}

/**
 * Adapts the batch to the answer (issue 16): a refusal (429) or an answer slower than the target
 * halves it, down to the minimum; a full batch answered in under a quarter of the target doubles
 * it, up to the configured batch. A till catching up on a busy server so sends batches the server
 * turns round quickly, and the tills selling live get their turns between them.
 */
export function adaptBatch(config: AgentDeps['config'], state: AgentState, answer: { refused: boolean; sent: number; elapsed_ms: number }): void {
  const limit = batchLimit(config, state);
  const floor = Math.min(config.push_batch_events_min, config.push_batch_events);
  if (answer.refused || answer.elapsed_ms > config.push_answer_target_ms) {
    state.push_batch_limit = Math.max(floor, Math.floor(limit / 2));
  } else if (answer.sent >= limit && answer.elapsed_ms < config.push_answer_target_ms / 4) {
    const grown = Math.min(config.push_batch_events, limit * 2);
    state.push_batch_limit = grown >= config.push_batch_events ? null : grown;
  }
}

export async function pushStep(deps: AgentDeps, state: AgentState): Promise<StepOutcome> {
  const identity = deps.ledger.identity();
  if (identity === null) return { kind: 'idle' };
  const limit = batchLimit(deps.config, state);
  const candidates: readonly (PaymeEvent | EventEnvelope)[] =
    state.resend_from === null ? deps.ledger.pendingEvents(limit) : deps.ledger.eventsFrom(state.resend_from, limit);
  if (candidates.length === 0) {
    state.resend_from = null;
    return { kind: 'idle' };
  }
  const events = takeBatch(candidates, limit, deps.config.push_body_bytes);
  const lastSent = events[events.length - 1]!.seq;

  let response;
  const sentAt = deps.clock.now();
  try {
    response = await deps.transport.push({ till_id: identity.till_id, epoch: identity.epoch, events: events as EventEnvelope[], ...tillHealth(deps) });
  } catch {
    state.online = false;
    return backoff(deps, state, 'push_attempt');
  }
  state.online = true;
  const now = deps.clock.now();
  if (response.status === 200 || response.status === 429) adaptBatch(deps.config, state, { refused: response.status === 429, sent: events.length, elapsed_ms: now - sentAt });

  if (response.status === 200) {
    const parsed = pushResponseSchema.safeParse(response.body);
    if (!parsed.success || parsed.data.acked_seq < lastSent) {
      // A success that does not cover what we sent is not an acknowledgement we can record.
      state.raise('server_answer_invalid', 'The sync server answered a push in a way this till does not understand', now);
      return backoff(deps, state, 'push_attempt');
    }
    const answer = parsed.data;
    try {
      // Marked before the ack: a stop in between resends, gets `duplicate`, and the mark is kept.
      for (const result of answer.results) if (result.status === 'quarantined') deps.ledger.markQuarantined(result.seq, result.reason);
      deps.ledger.markAcked(answer.acked_seq, answer.head_hash);
    } catch (error) {
      if (error instanceof PaymeError && error.code === 'not_found') {
        state.raise('server_answer_invalid', `The sync server quarantined an event this till never sent: ${error.message}`, now);
        return backoff(deps, state, 'push_attempt');
      }
      if (error instanceof PaymeError && error.code === 'chain_conflict') {
        // The server acknowledged a seq or hash this till never wrote: its history is not ours.
        return divergedHistory(deps, state, deps.ledger.ackedSeq(), error.message);
      }
      throw error;
    }
    state.resend_from = null;
    state.push_attempt = 0;
    state.last_push_at = now;
    state.clear('server_answer_invalid', 'push_refused', 'unauthorized');
    return { kind: 'progress' };
  }

  if (response.status === 409) {
    const conflict = pushConflictBodySchema.safeParse(response.body);
    if (conflict.success) {
      const body = conflict.data;
      if (body.code === 'seq_gap') {
        const head = deps.ledger.chainHead().seq;
        if (body.expected_seq > head + 1) {
          // The server holds more of this till than the till itself: a restored backup, or a
          // clone whose other copy pushed on.
          return divergedHistory(deps, state, head, `the server already holds events up to ${body.expected_seq - 1}; this till has ${head}`);
        }
        state.resend_from = body.expected_seq;
        state.push_attempt = 0;
        return { kind: 'progress' };
      }
      if (body.code === 'chain_conflict') return divergedHistory(deps, state, Math.max(0, body.seq - 1), body.message);
      state.diverge({ code: 'till_fenced', common_seq: 0 }, body.message, now);
      return { kind: 'diverged' };
    }
  }
  if (response.status === 429 || response.status >= 500) return retryAfterAnswer(deps, state, 'push_attempt', response);
  if (response.status === 401 || response.status === 403) {
    state.raise('unauthorized', `The sync server refused this till's credentials (${errorText(response.body)})`, now);
  } else {
    state.raise('push_refused', `The sync server refused a push (${response.status} ${errorText(response.body)})`, now, { status: response.status });
  }
  return backoff(deps, state, 'push_attempt');
}
