/**
 * One pull (DESIGN §5 Pull): long-polls the feed after the stored cursor and hands the batch,
 * its cursor and this till's acked seq from the same response to the ledger, which applies all
 * three in one transaction (so the DESIGN §4 balance formula always pairs a level with the acked
 * seq it includes).
 */
import { PaymeError } from '@payme/shared';
import { checkpointSignedBy } from './checkpoint.js';
import { feedPageSchema, ledgerChanges } from './feed-scope.js';
import { divergedHistory, tillHealth, type AgentDeps, type AgentState, type StepOutcome } from './agent-state.js';
import { backoff, retryAfterAnswer } from './push-step.js';

export async function pullStep(deps: AgentDeps, state: AgentState, wait_seconds: number): Promise<StepOutcome> {
  const identity = deps.ledger.identity();
  if (identity === null) return { kind: 'idle' };
  const cursor = deps.ledger.feedCursor();
  let response;
  try {
    response = await deps.transport.pull(cursor, wait_seconds, tillHealth(deps));
  } catch {
    state.online = false;
    return backoff(deps, state, 'pull_attempt');
  }
  state.online = true;
  const now = deps.clock.now();
  if (response.status !== 200) {
    if (response.status === 429 || response.status >= 500) return retryAfterAnswer(deps, state, 'pull_attempt', response);
    const code = response.status === 401 || response.status === 403 ? 'unauthorized' : 'feed_refused';
    state.raise(code, `The sync server refused the feed (${response.status})`, now, { status: response.status });
    return backoff(deps, state, 'pull_attempt');
  }
  const parsed = feedPageSchema.safeParse(response.body);
  if (!parsed.success) {
    state.raise('server_answer_invalid', 'The sync server sent a feed page this till does not understand', now);
    return backoff(deps, state, 'pull_attempt');
  }
  const page = parsed.data;
  let checkpoint = page.checkpoint;
  if (checkpoint !== undefined && !checkpointSignedBy(checkpoint, identity)) {
    // Never kept; the feed itself still applies (the server's data is authoritative, the
    // checkpoint is evidence for the owner).
    state.raise('checkpoint_invalid', 'The audit checkpoint the server sent does not verify with its enrollment key', now, { seq: checkpoint.seq });
    checkpoint = undefined;
  }
  let result;
  try {
    result = deps.ledger.applyServerBatch({ changes: ledgerChanges(page, identity), acked_seq: page.acked_seq, cursor: page.cursor, ...(checkpoint === undefined ? {} : { checkpoint }) });
  } catch (error) {
    if (error instanceof PaymeError && error.code === 'chain_conflict') {
      // The server acknowledges more of this till than the till holds (a restored backup, or
      // a clone whose other copy pushed on).
      return divergedHistory(deps, state, deps.ledger.ackedSeq(), error.message);
    }
    if (error instanceof PaymeError) {
      // A feed change the ledger refuses stops the feed here (the cursor stays) and is shown;
      // skipping it would leave the till's catalog or levels silently wrong.
      state.raise('feed_refused', `A change from the server could not be applied: ${error.message}`, now, { field: error.field });
      return backoff(deps, state, 'pull_attempt');
    }
    throw error;
  }
  const seen = result.checkpoint;
  if (seen.kind === 'conflict') {
    state.raise('server_history_changed', `The server signed another hash for audit entry ${seen.seq} than the one this till holds`, now, { ...seen });
  } else if (seen.kind === 'behind') {
    state.raise('server_history_changed', `The server's audit log ends at ${seen.seq}, before the checkpoint at ${seen.held_seq} this till holds`, now, { ...seen });
  }
  state.pull_attempt = 0;
  state.last_pull_at = now;
  state.clear('feed_refused', 'server_answer_invalid', 'unauthorized');
  return page.changes.length > 0 || page.cursor !== cursor ? { kind: 'progress' } : { kind: 'idle' };
}
