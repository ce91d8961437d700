import { describe, expect, it } from 'vitest';
import { PaymeError } from '../src/errors.js';
import { long_poll_wait_seconds_max, name_chars_max, push_batch_events_max } from '../src/limits.js';
import { parseInput } from '../src/schemas/errors.js';
import {
  enrollRequestSchema,
  enrollResponseSchema,
  pullQuerySchema,
  pullResponseSchema,
  pushConflictBodySchema,
  pushRequestSchema,
  pushResponseSchema,
  recoverRequestSchema,
  recoverResponseSchema,
} from '../src/schemas/sync.js';
import { feed_records, isFeedRecordKind } from '../src/schemas/feed-records.js';
import type { z } from 'zod';
import { deleteField, fixtureId, ids, mutateAt, sampleEvent, samplePayload, refusalOf } from './schemas-fixtures.js';

function refusal(schema: z.ZodType, value: unknown): PaymeError {
  return refusalOf(() => parseInput(schema, value), value);
}

const push = () => ({ till_id: ids.till, epoch: 1, events: [sampleEvent('sale_voided'), sampleEvent('shift_opened', { seq: 2 })] });

describe('push', () => {
  it('accepts an event whose envelope is malformed beyond its chain fields, so the server can quarantine it', () => {
    const bad = { ...sampleEvent('sale_voided'), occurred_at: 'yesterday', type: 'no_such_type' };
    expect(pushRequestSchema.parse({ ...push(), events: [bad] }).events[0]).toMatchObject({ occurred_at: 'yesterday', type: 'no_such_type' });
  });

  it('still refuses an event that cannot be placed in the chain, naming the field', () => {
    expect(refusal(pushRequestSchema, mutateAt(push(), ['events', 0, 'prev_hash'], 'x')).field).toBe('events.0.prev_hash');
    expect(refusal(pushRequestSchema, mutateAt(push(), ['events', 0, 'event_id'], 'not-a-uuid')).field).toBe('events.0.event_id');
  });

  it('accepts envelopes, keeping a payload that does not match its type for quarantine', () => {
    const bad = sampleEvent('sale_voided', { payload: { anything: true } as never });
    expect(pushRequestSchema.parse({ ...push(), events: [bad] }).events[0]?.payload).toEqual({ anything: true });
  });

  it('refuses an empty batch, more than the batch limit, and a broken envelope naming it', () => {
    expect(refusal(pushRequestSchema, { ...push(), events: [] }).field).toBe('events');
    const many = Array.from({ length: push_batch_events_max + 1 }, (_, i) => sampleEvent('sale_voided', { seq: i + 1 }));
    expect(refusal(pushRequestSchema, { ...push(), events: many }).field).toBe('events');
    expect(refusal(pushRequestSchema, mutateAt(push(), ['events', 1, 'seq'], 0)).field).toBe('events.1.seq');
    expect(refusal(pushRequestSchema, mutateAt(push(), ['events', 0, 'hash'], deleteField)).field).toBe('events.0.hash');
  });

  it('refuses a bad epoch or till id and unknown keys, naming them', () => {
    for (const [key, bad] of [['epoch', 0], ['epoch', 1.5], ['epoch', -1], ['till_id', 'T3'], ['till_id', deleteField]] as const) {
      expect(refusal(pushRequestSchema, mutateAt(push(), [key], bad)).field).toBe(key);
    }
    expect(refusal(pushRequestSchema, { ...push(), force: true }).field).toBe('force');
  });

  it('reads the response and each 409 body by its code', () => {
    const response = { acked_seq: 2, head_hash: 'a'.repeat(64), results: [{ seq: 1, event_id: fixtureId(1001), status: 'applied' }, { seq: 2, event_id: fixtureId(1002), status: 'quarantined', reason: 'payload.reason: is required' }] };
    expect(pushResponseSchema.parse(response)).toEqual(response);
    expect(pushResponseSchema.safeParse({ ...response, results: [{ seq: 1, event_id: fixtureId(1), status: 'lost' }] }).success).toBe(false);
    expect(pushConflictBodySchema.parse({ code: 'seq_gap', message: 'expected 3', expected_seq: 3 })).toMatchObject({ expected_seq: 3 });
    expect(pushConflictBodySchema.parse({ code: 'chain_conflict', message: 'x', seq: 7 })).toMatchObject({ seq: 7 });
    expect(pushConflictBodySchema.parse({ code: 'till_fenced', message: 'x', epoch: 2 })).toMatchObject({ epoch: 2 });
    expect(pushConflictBodySchema.safeParse({ code: 'seq_gap', message: 'x' }).success).toBe(false);
  });
});

describe('pull', () => {
  it('takes the cursor as text or a number, defaults, and the wait up to 30 s', () => {
    expect(pullQuerySchema.parse({})).toEqual({ after: '0', wait: 0 });
    expect(pullQuerySchema.parse({ after: 42, wait: '30' })).toEqual({ after: '42', wait: 30 });
    expect(pullQuerySchema.parse({ after: 'c_00012', wait: 5 })).toEqual({ after: 'c_00012', wait: 5 });
  });

  it.each([
    ['wait', { wait: long_poll_wait_seconds_max + 1 }],
    ['wait', { wait: -1 }],
    ['wait', { wait: '1.5' }],
    ['wait', { wait: 'soon' }],
    ['after', { after: 'c'.repeat(201) }],
    ['after', { after: -1 }],
    ['after', { after: 1.5 }],
  ])('refuses a bad %s, naming it', (field, query) => {
    expect(refusal(pullQuerySchema, query).field).toBe(field);
  });

  it('reads changes, the cursor, acked_seq and a signed checkpoint', () => {
    const response = {
      changes: [{ cursor: '43', kind: 'stock_level', id: ids.product_soda, data: { on_hand: 37 } }, { cursor: '44', kind: 'product', id: ids.product_sugar, data: null }],
      cursor: '44',
      acked_seq: 2,
      checkpoint: { business_id: fixtureId(900), seq: 12, hash: 'b'.repeat(64), signature: 'c'.repeat(128) },
    };
    expect(pullResponseSchema.parse(response)).toEqual(response);
    expect(pullResponseSchema.safeParse(mutateAt(response, ['changes', 0, 'kind'], 'weather')).success).toBe(false);
    expect(pullResponseSchema.safeParse(mutateAt(response, ['checkpoint', 'signature'], 'c'.repeat(127))).success).toBe(false);
  });
});

describe('recover and enrollment', () => {
  it('recover request: epoch and last common seq are optional but checked', () => {
    expect(recoverRequestSchema.parse({ till_id: ids.till })).toEqual({ till_id: ids.till });
    expect(refusal(recoverRequestSchema, { till_id: ids.till, last_common_seq: -1 }).field).toBe('last_common_seq');
    expect(refusal(recoverRequestSchema, { till_id: ids.till, epoch: 0 }).field).toBe('epoch');
  });

  it('recover response carries the server head, the events and the receipt counter', () => {
    const response = { epoch: 2, common_seq: 1, head: { seq: 2, hash: 'a'.repeat(64) }, events: [sampleEvent('shift_opened', { seq: 2, payload: samplePayload('shift_opened') })], receipt_counter: 123 };
    expect(recoverResponseSchema.parse(response)).toEqual(response);
    expect(recoverResponseSchema.safeParse({ ...response, receipt_counter: -1 }).success).toBe(false);
  });

  it('enrollment: trims the code and till name, refuses a long name, and reads the answer', () => {
    expect(enrollRequestSchema.parse({ code: ' ABCD-1234 ', name: ' Till 3 ' })).toEqual({ code: 'ABCD-1234', name: 'Till 3' });
    expect(refusal(enrollRequestSchema, { code: 'ABCD-1234', name: 'n'.repeat(name_chars_max + 1) }).field).toBe('name');
    expect(refusal(enrollRequestSchema, { code: 'abc', name: 'Till 3' }).field).toBe('code');
    expect(refusal(enrollRequestSchema, { name: 'Till 3' }).field).toBe('code');
    expect(refusal(enrollRequestSchema, { code: 12345678, name: 'Till 3' }).message).toBe('code: must be an enrollment code');
    const answer = { till_id: ids.till, device_token: 'tok_'.padEnd(43, 'x'), epoch: 1, server_public_key: 'd'.repeat(64), business_id: fixtureId(900), store_id: fixtureId(901), receipt_prefix: 'T3' };
    expect(enrollResponseSchema.parse(answer)).toEqual(answer);
    expect(enrollResponseSchema.safeParse({ ...answer, receipt_prefix: 't-3' }).success).toBe(false);
  });
});

describe('feed records (what a till reads of each change kind)', () => {
  it('reads the server\'s names, and refuses a record that lacks them, naming the field', () => {
    const product = { name: 'Geisha soap 225g', unit: 'piece', price_cents: 9_950, vat_class: 'standard', stock_policy: 'block', cost_cents: 7_000 };
    expect(feed_records.product.parse(product)).toMatchObject({ price_cents: 9_950, active: true, cost_cents: 7_000 });
    const renamed = feed_records.product.safeParse({ ...product, price_cents: undefined, unit_price: 9_950 });
    expect(renamed.success).toBe(false);
    expect(renamed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['price_cents']);
    expect(feed_records.customer.parse({ name: 'Mama Njeri', credit_limit_cents: 50_000 })).toMatchObject({ credit_limit_cents: 50_000 });
    expect(feed_records.credit_balance.safeParse({ balance: 100 }).success).toBe(false);
  });

  it('takes a staff member without a PIN (null), and knows which kinds a till keeps', () => {
    expect(feed_records.staff.parse({ name: 'Owner', role: 'owner', pin_hash: null })).toMatchObject({ pin_hash: null, active: true });
    expect(feed_records.staff.safeParse({ name: 'Owner', role: 'owner', pin_hash: '' }).success).toBe(false);
    expect(['product', 'stock_level', 'till_state', 'store', 'till', 'toString'].filter(isFeedRecordKind)).toEqual(['product', 'stock_level', 'till_state']);
  });
});
