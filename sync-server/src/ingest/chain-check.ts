/**
 * The idempotent-producer rules of DESIGN §5, as a pure function over the till's producer state
 * and the links the server already stores. Deciding here, before any write, is what makes a
 * refusal change nothing: the caller applies either every fresh event of the batch or none.
 */
import { PaymeError, recordHash } from '@payme/shared';
import type { PushedEvent } from './push-request.js';

export interface ProducerState {
  acked_seq: number;
  head_hash: string;
}

/** What the server holds for the batch: hashes by seq (this till) and by event_id (this business). */
export interface StoredLinks {
  hashBySeq: ReadonlyMap<number, string>;
  hashByEventId: ReadonlyMap<string, string>;
}

export interface ChainPlan {
  duplicates: PushedEvent[];
  fresh: PushedEvent[];
}

function chainConflict(seq: number, field: string, why: string): PaymeError {
  return new PaymeError('chain_conflict', `Event ${seq} does not continue this till's history: ${why}`, field, { seq });
}

/** Recomputes an envelope's hash; an envelope JSON cannot canonicalise (lone surrogate) has none. */
export function recomputedHash(raw: Readonly<Record<string, unknown>>): string | null {
  try {
    return recordHash(raw);
  } catch {
    return null;
  }
}

/** The order of the batch itself: consecutive seqs, each linked to the one before it. */
function checkBatchOrder(events: readonly PushedEvent[]): void {
  const seenIds = new Set<string>();
  events.forEach((event, index) => {
    if (seenIds.has(event.event_id)) {
      throw chainConflict(event.seq, `events.${index}.event_id`, 'the same event_id appears twice in the batch');
    }
    seenIds.add(event.event_id);
    const before = events[index - 1];
    if (before === undefined) return;
    if (event.seq > before.seq + 1) {
      throw new PaymeError('seq_gap', `Event ${before.seq + 1} is missing from the batch`, `events.${index}.seq`, {
        expected_seq: before.seq + 1,
      });
    }
    if (event.seq !== before.seq + 1) {
      throw chainConflict(event.seq, `events.${index}.seq`, 'events must be sent in seq order');
    }
    if (event.prev_hash !== before.hash) {
      throw chainConflict(event.seq, `events.${index}.prev_hash`, 'prev_hash is not the hash of the event before it');
    }
  });
}

/**
 * Splits a batch into duplicates (already stored with the same hash) and fresh events, or throws
 * `seq_gap` / `chain_conflict` (409) with nothing decided. Every hash is recomputed.
 */
export function planChain(state: ProducerState, events: readonly PushedEvent[], stored: StoredLinks): ChainPlan {
  checkBatchOrder(events);
  events.forEach((event, index) => {
    if (recomputedHash(event.raw) !== event.hash) {
      throw chainConflict(event.seq, `events.${index}.hash`, 'its hash does not match its contents');
    }
  });
  const first = events[0];
  if (first !== undefined && first.seq > state.acked_seq + 1) {
    throw new PaymeError('seq_gap', `The server expects event ${state.acked_seq + 1} next`, 'events.0.seq', {
      expected_seq: state.acked_seq + 1,
    });
  }
  const plan: ChainPlan = { duplicates: [], fresh: [] };
  events.forEach((event, index) => {
    if (event.seq <= state.acked_seq) {
      if (stored.hashBySeq.get(event.seq) !== event.hash) {
        throw chainConflict(event.seq, `events.${index}.hash`, 'the server holds a different event at this seq');
      }
      plan.duplicates.push(event);
      return;
    }
    if (event.seq === state.acked_seq + 1 && event.prev_hash !== state.head_hash) {
      throw chainConflict(event.seq, `events.${index}.prev_hash`, "prev_hash is not the server's head for this till");
    }
    if (stored.hashByEventId.has(event.event_id)) {
      throw chainConflict(event.seq, `events.${index}.event_id`, 'the server holds this event_id with another hash');
    }
    plan.fresh.push(event);
  });
  return plan;
}
