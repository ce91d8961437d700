import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PaymeError, genesis_hash, recordHash } from '@payme/shared';
import { planChain, recomputedHash, type StoredLinks } from './chain-check.js';
import type { PushedEvent } from './push-request.js';

const till_id = '01900000-0000-7000-8000-000000000001';

function chain(count: number, startSeq = 1, startPrev = genesis_hash, salt = 'a'): PushedEvent[] {
  let prev = startPrev;
  return Array.from({ length: count }, (_, i) => {
    const seq = startSeq + i;
    const body = { event_id: `01900000-0000-7000-8000-${salt.repeat(4)}${String(seq).padStart(8, '0')}`, till_id, seq, type: 'x', payload: {}, prev_hash: prev };
    const hash = recordHash(body);
    prev = hash;
    return { seq, event_id: body.event_id, prev_hash: body.prev_hash, hash, raw: { ...body, hash } };
  });
}

const stored = (events: PushedEvent[]): StoredLinks => ({
  hashBySeq: new Map(events.map((e) => [e.seq, e.hash])),
  hashByEventId: new Map(events.map((e) => [e.event_id, e.hash])),
});
const none: StoredLinks = { hashBySeq: new Map(), hashByEventId: new Map() };

function refusal(fn: () => unknown): PaymeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PaymeError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('planChain: the idempotent-producer rules', () => {
  it('splits a batch into duplicates and fresh events at acked_seq', () => {
    const events = chain(5);
    const plan = planChain({ acked_seq: 3, head_hash: events[2]!.hash }, events, stored(events.slice(0, 3)));
    expect(plan.duplicates.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(plan.fresh.map((e) => e.seq)).toEqual([4, 5]);
  });

  it('refuses a first seq past acked_seq + 1 as seq_gap with the expected seq', () => {
    const events = chain(3, 5, 'f'.repeat(64));
    const error = refusal(() => planChain({ acked_seq: 2, head_hash: genesis_hash }, events, none));
    expect(error.code).toBe('seq_gap');
    expect(error.details).toMatchObject({ expected_seq: 3 });
  });

  it('refuses a hole inside the batch as seq_gap, a step back as chain_conflict', () => {
    const events = chain(4);
    expect(refusal(() => planChain({ acked_seq: 0, head_hash: genesis_hash }, [events[0]!, events[2]!], none)).code).toBe('seq_gap');
    expect(refusal(() => planChain({ acked_seq: 0, head_hash: genesis_hash }, [events[1]!, events[0]!], none))).toMatchObject({ code: 'chain_conflict', field: 'events.1.seq' });
  });

  it('refuses a stored seq with another hash, a wrong prev_hash and a reused event id as chain_conflict', () => {
    const ours = chain(2);
    const theirs = chain(2, 1, genesis_hash, 'b');
    expect(refusal(() => planChain({ acked_seq: 2, head_hash: ours[1]!.hash }, theirs, stored(ours)))).toMatchObject({ code: 'chain_conflict', details: { seq: 1 } });
    const detached = chain(1, 3, 'c'.repeat(64));
    expect(refusal(() => planChain({ acked_seq: 2, head_hash: ours[1]!.hash }, detached, stored(ours)))).toMatchObject({ code: 'chain_conflict', field: 'events.0.prev_hash' });
    const next = chain(1, 3, ours[1]!.hash);
    const reused: StoredLinks = { hashBySeq: new Map(), hashByEventId: new Map([[next[0]!.event_id, 'd'.repeat(64)]]) };
    expect(refusal(() => planChain({ acked_seq: 2, head_hash: ours[1]!.hash }, next, reused))).toMatchObject({ code: 'chain_conflict', field: 'events.0.event_id' });
    const twice = chain(2);
    twice[1] = { ...twice[1]!, event_id: twice[0]!.event_id };
    expect(refusal(() => planChain({ acked_seq: 0, head_hash: genesis_hash }, twice, none))).toMatchObject({ code: 'chain_conflict', field: 'events.1.event_id' });
  });

  it('recomputes every hash: any changed field of any event is a chain_conflict at that seq', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.constantFrom('type', 'till_id', 'payload'), fc.string({ minLength: 1, maxLength: 5 }), (index, field, value) => {
        const events = chain(5);
        const target = events[index]!;
        events[index] = { ...target, raw: { ...target.raw, [field]: field === 'payload' ? { value } : `${String(target.raw[field])}${value}` } };
        const error = refusal(() => planChain({ acked_seq: 0, head_hash: genesis_hash }, events, none));
        expect(error).toMatchObject({ code: 'chain_conflict', field: `events.${index}.hash` });
      }),
    );
  });

  it('has no hash for an envelope JSON cannot canonicalise', () => {
    expect(recomputedHash({ big: 10n } as unknown as Record<string, unknown>)).toBeNull();
  });
});

describe('planChain: a moved till re-sending another till\'s events (DESIGN §5 fenced clone)', () => {
  it('takes an event id another till holds with the same content as a copy on this chain; any other stored id is a conflict', () => {
    const events = chain(3);
    const known = new Map([[events[1]!.event_id, 'other-hash']]);
    const plan = planChain({ acked_seq: 0, head_hash: genesis_hash }, events, { hashBySeq: new Map(), hashByEventId: known, sameEventElsewhere: new Map([[events[1]!.event_id, 'till-b']]) });
    expect(plan.fresh.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect([...plan.copies]).toEqual([[2, 'till-b']]);
    expect(refusal(() => planChain({ acked_seq: 0, head_hash: genesis_hash }, events, { hashBySeq: new Map(), hashByEventId: known }))).toMatchObject({ code: 'chain_conflict', field: 'events.1.event_id' });
  });
});
