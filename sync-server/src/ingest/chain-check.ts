/**
 * The idempotent-producer rules of DESIGN §5, as a pure function over the till's producer state
 * and the links the server already stores. Deciding here, before any write, is what makes a
 * refusal change nothing: the caller applies either every fresh event of the batch or none.
 */
import { PaymeError } from '@payme/shared';
import { nativeRecordHash } from '../audit/native-record-hash.js';
import type { PushedEvent } from './push-request.js';

export interface ProducerState {
  acked_seq: number;
  head_hash: string;
}

/** What the server holds for the batch: hashes by seq (this till) and by event_id (this business). */
export interface StoredLinks {
  hashBySeq: ReadonlyMap<number, string>;
  hashByEventId: ReadonlyMap<string, string>;
  /**
   * Event ids of the batch that another till of the business already holds with the same content
   * (everything but till_id, seq, prev_hash and hash), mapped to that till: a fenced clone that
   * moved to a new till re-sends them (DESIGN §5), and they are copies, not conflicts.
   */
  sameEventElsewhere?: ReadonlyMap<string, string>;
}

export interface ChainPlan {
  duplicates: PushedEvent[];
  /** New on this till's chain, in seq order (copies included: they take their seq too). */
  fresh: PushedEvent[];
  /** Fresh events that repeat another till's stored event: seq → that till's id. Never applied. */
  copies: Map<number, string>;
}

/** The part of an envelope that says what happened, not where it sits in which till's chain. */
export function eventContent(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { till_id: _till, seq: _seq, prev_hash: _prev, hash: _hash, ...content } = raw;
  return content;
}

function chainConflict(seq: number, field: string, why: string): PaymeError {
  return new PaymeError('chain_conflict', `Event ${seq} does not continue this till's history: ${why}`, field, { seq });
}

/** Recomputes an envelope's hash; an envelope JSON cannot canonicalise (lone surrogate) has none. */
export function recomputedHash(raw: Readonly<Record<string, unknown>>): string | null {
  try {
    return nativeRecordHash(raw);
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
 * What needs no server state: the batch's own order and links, and every hash recomputed. Ingest
 * runs it before its transaction (hashing 500 envelopes must not happen under the till's lock),
 * then tells `planChain` it was done; the refusals and their order are the same either way.
 */
export function checkBatch(events: readonly PushedEvent[]): void {
  checkBatchOrder(events);
  events.forEach((event, index) => {
    if (recomputedHash(event.raw) !== event.hash) {
      throw chainConflict(event.seq, `events.${index}.hash`, 'its hash does not match its contents');
    }
  });
}

/**
 * Splits a batch into duplicates (already stored with the same hash) and fresh events, or throws
 * `seq_gap` / `chain_conflict` (409) with nothing decided. Every hash is recomputed.
 */
export function planChain(state: ProducerState, events: readonly PushedEvent[], stored: StoredLinks, options: { batchChecked?: boolean } = {}): ChainPlan {
  if (!options.batchChecked) checkBatch(events);
  const first = events[0];
  if (first !== undefined && first.seq > state.acked_seq + 1) {
    throw new PaymeError('seq_gap', `The server expects event ${state.acked_seq + 1} next`, 'events.0.seq', {
      expected_seq: state.acked_seq + 1,
    });
  }
  const plan: ChainPlan = { duplicates: [], fresh: [], copies: new Map() };
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
      const copyOf = stored.sameEventElsewhere?.get(event.event_id);
      if (copyOf === undefined) throw chainConflict(event.seq, `events.${index}.event_id`, 'the server holds this event_id with another hash');
      plan.copies.set(event.seq, copyOf);
    }
    plan.fresh.push(event);
  });
  return plan;
}
