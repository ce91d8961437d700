import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PaymeError } from '../src/errors.js';
import { recordHash } from '../src/hash-chain.js';
import {
  line_quantity_milli_max,
  line_quantity_pieces_max,
  name_chars_max,
  reason_chars_max,
  sale_lines_max,
  sale_total_cents_max,
  unit_price_cents_max,
} from '../src/limits.js';
import { splitVat } from '../src/money.js';
import { lineAmount } from '../src/quantity.js';
import {
  current_event_version,
  event_types,
  event_versions_shipped,
  eventEnvelopeSchema,
  eventPayloadSchemas,
  eventSchema,
  parseEvent,
  parseEventOf,
  payloadSchemaFor,
  safeParseEvent,
  upcastEvent,
  type EventType,
  type SaleCompletedPayload,
} from '../src/schemas/events.js';
import { deleteField, dotted, keyPaths, leaves, mutateAt, sampleEvent, samplePayload, type JsonPath, refusalOf } from './schemas-fixtures.js';

/** Parses and returns the PaymeError it must throw. */
function refusal(raw: unknown): PaymeError {
  return refusalOf(() => parseEvent(raw), raw);
}

/** Fields where a negative number means something (DESIGN §3: adjustments, differences, variances). */
const signedFields = new Set(['delta', 'rounding', 'expected', 'balance_before', 'on_hand_before']);
function isSigned(path: JsonPath): boolean {
  const last = String(path[path.length - 1]);
  return signedFields.has(last) || (path[0] === 'variance' && last === 'amount');
}

/** Keys the sample carries that may be left out, per type (everything else is required). */
const optionalKeys: Record<EventType, string[]> = {
  sale_completed: ['shift_id', 'customer_id', 'sku', 'override_approved_by', 'tendered', 'change', 'payment_id', 'mpesa_receipt', 'claim_code', 'stock_overrides', 'credit_override'],
  sale_parked: ['shift_id', 'customer_id', 'sku', 'override_approved_by', 'phone', 'discount_bp', 'line_terms', 'catalog_unit_price', 'tenders', 'tendered', 'change'],
  sale_abandoned: [],
  sale_voided: [],
  sale_refunded: [],
  mpesa_reversal_requested: ['refund_id', 'payment_id'],
  stock_received: ['supplier', 'unit_cost'],
  stock_adjusted: [],
  stock_counted: [],
  customer_created: ['phone'],
  customer_updated: ['name', 'credit_limit'],
  credit_payment_recorded: [],
  credit_adjusted: [],
  shift_opened: [],
  shift_paid_in: [],
  shift_paid_out: [],
  shift_closed: [],
  mpesa_claim_recorded: ['sale_id', 'phone'],
};

describe('every event type has a valid sample', () => {
  it.each(event_types)('%s parses, unchanged, and its envelope type narrows the payload', (type) => {
    const raw = sampleEvent(type);
    const parsed = parseEvent(raw);
    expect(parsed).toEqual(raw);
    expect(recordHash(parsed)).toBe(raw.hash);
    expect(eventSchema.parse(raw)).toEqual(raw);
  });
});

describe('payload mutations are refused naming the field', () => {
  for (const type of event_types) {
    const payload = samplePayload(type);
    const numbers = leaves(payload).filter((leaf) => typeof leaf.value === 'number');
    const strings = leaves(payload).filter((leaf) => typeof leaf.value === 'string');

    it(`${type}: every number refuses fractions, values over any limit, and negatives unless signed`, () => {
      for (const { path } of numbers) {
        const field = `payload.${dotted(path)}`;
        const mutations = [1.5, 1e15, -1e15, '100', null];
        if (!isSigned(path)) mutations.push(-1);
        for (const bad of mutations) {
          expect(refusal(sampleEvent(type, { payload: mutateAt(payload, path, bad) })).field, `${field} = ${String(bad)}`).toBe(field);
        }
      }
    });

    it(`${type}: every string refuses text over its limit and a wrong type`, () => {
      for (const { path } of strings) {
        const field = `payload.${dotted(path)}`;
        for (const bad of ['x'.repeat(reason_chars_max + 1), 42, null, '']) {
          expect(refusal(sampleEvent(type, { payload: mutateAt(payload, path, bad) })).field, `${field} = ${String(bad).slice(0, 8)}`).toBe(field);
        }
      }
    });

    it(`${type}: deleting a required field names it; optional ones may go`, () => {
      for (const path of keyPaths(payload)) {
        const field = `payload.${dotted(path)}`;
        const result = safeParseEvent(sampleEvent(type, { payload: mutateAt(payload, path, deleteField) }));
        if (optionalKeys[type].includes(String(path[path.length - 1]))) {
          // An optional field may still be needed by a cross-check (change without tendered): then it is the one named.
          if (!result.success) expect(result.error.field).toBe(field);
        } else {
          expect(result.success, field).toBe(false);
          if (!result.success) expect(result.error.field).toBe(field);
        }
      }
    });

    it(`${type}: an unknown key is refused and named`, () => {
      const result = safeParseEvent(sampleEvent(type, { payload: { ...payload, colour: 'red' } as never }));
      expect(result).toMatchObject({ success: false, error: { code: 'invalid_input', field: 'payload.colour' } });
    });
  }
});

describe('the envelope', () => {
  const raw = sampleEvent('sale_voided');

  it('refuses each missing field, naming it', () => {
    for (const key of Object.keys(raw)) {
      expect(refusal(mutateAt(raw, [key], deleteField)).field).toBe(key);
    }
  });

  it('refuses bad numbers and strings, naming the field', () => {
    for (const [key, bad] of [
      ['seq', 0], ['seq', -1], ['seq', 1.5], ['v', 0], ['v', 2.5], ['event_id', 'ABC'], ['till_id', 'x'.repeat(600)],
      ['occurred_at', '2026-11-26 09:30'], ['occurred_at', '2026-11-26T12:30:00+03:00'], ['prev_hash', 'A'.repeat(64)], ['hash', 'ab'],
      ['actor_id', null], ['type', 'Sale Completed'], ['type', 5], ['payload', []], ['payload', 'x'],
    ] as const) {
      expect(refusal(mutateAt(raw, [key], bad)).field, `${key}=${String(bad)}`).toBe(key);
    }
  });

  it('takes approver_id when present and refuses null (absent, never null)', () => {
    expect(parseEvent(sampleEvent('sale_voided', { approver_id: raw.actor_id })).approver_id).toBe(raw.actor_id);
    expect(refusal({ ...raw, approver_id: null }).field).toBe('approver_id');
  });

  it('refuses an unknown event type naming `type`, though the bare envelope accepts it for quarantine', () => {
    const unknown = { ...raw, type: 'sale_teleported' };
    expect(refusal(unknown)).toMatchObject({ code: 'invalid_input', field: 'type' });
    expect(eventEnvelopeSchema.safeParse(unknown).success).toBe(true);
    expect(eventSchema.safeParse(unknown).success).toBe(false);
  });

  it('refuses a version that was never shipped, naming `v`', () => {
    expect(refusal({ ...raw, v: 2 }).field).toBe('v');
  });

  it('parseEventOf narrows to one type and refuses another, naming type', () => {
    const event = parseEventOf('sale_voided', raw);
    expect(event.payload.reason).toBe(raw.payload.reason);
    expect(() => parseEventOf('sale_completed', raw)).toThrow(expect.objectContaining({ field: 'type' }));
  });

  it('the parsed union narrows on type', () => {
    const event = parseEvent(sampleEvent('shift_opened'));
    if (event.type !== 'shift_opened') throw new Error('wrong type');
    expect(event.payload.float).toBe(200_000);
  });

  it('refuses a non-object and an unknown envelope key', () => {
    expect(refusal('hello').code).toBe('invalid_input');
    expect(refusal({ ...raw, extra: 1 }).field).toBe('extra');
  });

  it('safeParseEvent returns the error body and rethrows what is not a PaymeError', () => {
    expect(safeParseEvent(raw)).toEqual({ success: true, data: raw });
    expect(safeParseEvent({ ...raw, seq: -1 })).toMatchObject({ success: false, error: { code: 'invalid_input', field: 'seq' } });
    const hostile = new Proxy({}, { ownKeys: () => { throw new TypeError('boom'); } });
    expect(() => safeParseEvent(hostile)).toThrow();
  });

  it('lists every issue with its field, the payload ones prefixed', () => {
    const result = safeParseEvent(sampleEvent('sale_voided', { payload: {} as never }));
    expect(result.success).toBe(false);
    if (!result.success) expect((result.error['issues'] as { field: string }[]).map((issue) => issue.field).sort()).toEqual(['payload.reason', 'payload.sale_id']);
  });
});

describe('versions', () => {
  it('every type ships version 1, the current one, and upcasting v1 is the identity', () => {
    for (const type of event_types) {
      expect(event_versions_shipped[type]).toContain(current_event_version);
      expect(payloadSchemaFor(type, 1)).toBe(eventPayloadSchemas[type]);
      expect(payloadSchemaFor(type, 99)).toBeUndefined();
      const event = parseEvent(sampleEvent(type));
      expect(upcastEvent(event)).toBe(event);
    }
  });

  it('refuses to upcast from a version it does not know', () => {
    const event = { ...parseEvent(sampleEvent('shift_opened')), v: 7 };
    expect(() => upcastEvent(event)).toThrow(PaymeError);
  });
});

describe('DESIGN §3 limits on a sale', () => {
  const base = samplePayload('sale_completed');
  const withLine = (patch: Partial<SaleCompletedPayload['lines'][number]>, index = 0) =>
    sampleEvent('sale_completed', { payload: { ...base, lines: base.lines.map((line, i) => (i === index ? { ...line, ...patch } : line)) } });

  it('a unit price at the limit is a valid value; one cent more names unit_price', () => {
    expect(refusal(withLine({ unit_price: unit_price_cents_max + 1 })).field).toBe('payload.lines.0.unit_price');
    // At the limit the price itself is fine: what then fails is the line's arithmetic, named at gross.
    expect(refusal(withLine({ unit_price: unit_price_cents_max })).field).toBe('payload.lines.0.gross');
  });

  it('line quantity limits depend on the unit: 10,000 pieces, 10,000 kg in grams', () => {
    expect(refusal(withLine({ quantity: line_quantity_pieces_max + 1 }, 1)).field).toBe('payload.lines.1.quantity');
    expect(refusal(withLine({ quantity: line_quantity_milli_max + 1 }, 0)).field).toBe('payload.lines.0.quantity');
    expect(refusal(withLine({ quantity: 0 }, 0)).field).toBe('payload.lines.0.quantity');
  });

  it(`refuses more than ${sale_lines_max} lines and an empty sale, naming lines`, () => {
    const many = Array.from({ length: sale_lines_max + 1 }, () => base.lines[1]!);
    expect(refusal(sampleEvent('sale_completed', { payload: { ...base, lines: many } })).field).toBe('payload.lines');
    expect(refusal(sampleEvent('sale_completed', { payload: { ...base, lines: [] } })).field).toBe('payload.lines');
  });

  it('refuses a total over the sale ceiling, naming total', () => {
    expect(refusal(sampleEvent('sale_completed', { payload: { ...base, total: sale_total_cents_max + 1 } })).field).toBe('payload.total');
  });

  it('names and reasons: 120 and 500 characters pass, one more fails; surrounding spaces fail', () => {
    expect(() => parseEvent(withLine({ name: 'n'.repeat(name_chars_max) }))).not.toThrow();
    expect(refusal(withLine({ name: 'n'.repeat(name_chars_max + 1) })).field).toBe('payload.lines.0.name');
    expect(refusal(withLine({ name: ' Sugar' })).field).toBe('payload.lines.0.name');
    const voided = (reason: string) => sampleEvent('sale_voided', { payload: { sale_id: base.sale_id, reason } });
    expect(() => parseEvent(voided('r'.repeat(reason_chars_max)))).not.toThrow();
    expect(refusal(voided('r'.repeat(reason_chars_max + 1))).field).toBe('payload.reason');
  });
});

describe('sale arithmetic is checked so the server can trust the totals', () => {
  const base = samplePayload('sale_completed');
  const sale = (patch: Partial<SaleCompletedPayload>) => sampleEvent('sale_completed', { payload: { ...base, ...patch } });

  it.each([
    ['subtotal', { subtotal: base.subtotal + 100 }],
    ['discount', { discount: base.discount + 100 }],
    ['vat_total', { vat_total: base.vat_total + 1 }],
    ['total', { total: base.total + 100 }],
    ['tenders', { tenders: [{ kind: 'cash' as const, amount: base.total - 100 }] }],
    ['customer_id', { tenders: [{ kind: 'credit' as const, amount: base.total }] }],
    ['lines.0.net', { lines: [{ ...base.lines[0]!, net: base.lines[0]!.net + 1 }, base.lines[1]!] }],
    ['tenders.0.change', { tenders: [{ kind: 'cash' as const, amount: base.total, tendered: base.total + 500, change: 400 }] }],
    ['tenders.0.change', { tenders: [{ kind: 'credit' as const, amount: base.total, change: 0 }], customer_id: base.lines[0]!.product_id }],
    ['tenders.0.payment_id', { tenders: [{ kind: 'mpesa' as const, amount: base.total }] }],
  ])('an inconsistent %s is refused and named', (field, patch) => {
    expect(refusal(sale(patch)).field).toBe(`payload.${field}`);
  });

  it('a credit sale with a customer, an M-Pesa claim code and recorded overrides is accepted', () => {
    const ok = sale({
      customer_id: base.lines[0]!.product_id,
      tenders: [{ kind: 'credit', amount: base.total - 10_000 }, { kind: 'mpesa', amount: 10_000, claim_code: 'SKM9ZXCV34' }],
      stock_overrides: [{ product_id: base.lines[0]!.product_id, on_hand_before: -2, approved_by: base.lines[0]!.line_id }],
      credit_override: { credit_limit: 100_000, balance_before: 95_000, approved_by: base.lines[0]!.line_id },
    });
    expect(parseEvent(ok).type).toBe('sale_completed');
  });

  it('property: any consistently built sale within the limits parses', () => {
    const line = fc.record({
      unit: fc.constantFrom('piece' as const, 'gram' as const, 'millilitre' as const),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      unit_price: fc.integer({ min: 0, max: 500_000 }),
      discount_bp: fc.integer({ min: 0, max: 10_000 }),
      vat_class: fc.constantFrom('standard' as const, 'exempt' as const, 'zero_rated' as const),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (specs) => {
        const lines = specs.map((spec, index) => {
          const max = spec.unit === 'piece' ? 50 : 5_000;
          const quantity = 1 + Math.floor(spec.fraction * (max - 1));
          const before = lineAmount(spec.unit_price, quantity, spec.unit);
          const discount = Math.floor((before * spec.discount_bp) / 10_000);
          const gross = before - discount;
          const { vat, net } = splitVat(gross, spec.vat_class);
          return { line_id: base.lines[0]!.line_id.slice(0, -4) + String(index).padStart(4, '0'), product_id: base.lines[0]!.product_id, name: 'Item', unit: spec.unit, quantity, unit_price: spec.unit_price, discount, gross, vat_class: spec.vat_class, vat, net };
        });
        const subtotal = lines.reduce((sum, l) => sum + l.gross + l.discount, 0);
        const discount = lines.reduce((sum, l) => sum + l.discount, 0);
        const beforeRounding = subtotal - discount;
        const rounding = Math.round(beforeRounding / 100) * 100 - beforeRounding;
        const total = beforeRounding + rounding;
        const payload = { ...base, lines, subtotal, discount, vat_total: lines.reduce((sum, l) => sum + l.vat, 0), rounding, total, tenders: [{ kind: 'cash' as const, amount: total }] };
        expect(parseEventOf('sale_completed', sampleEvent('sale_completed', { payload })).payload.total).toBe(total);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a parked sale', () => {
  const parked = samplePayload('sale_parked');

  it('parked before its terms and tenders were recorded still validates (version 1 stays accepted)', () => {
    const { discount_bp: _bp, line_terms: _terms, tenders: _tenders, ...older } = parked;
    expect(parseEventOf('sale_parked', sampleEvent('sale_parked', { payload: older })).payload).toEqual(older);
  });

  it('needs one line_terms entry per line', () => {
    expect(refusal(sampleEvent('sale_parked', { payload: { ...parked, line_terms: [{}] } })).field).toBe('payload.line_terms');
  });

  it('the tenders taken before parking leave something for M-Pesa, and are not the parked payment', () => {
    const all = [{ kind: 'cash' as const, amount: parked.total }];
    expect(refusal(sampleEvent('sale_parked', { payload: { ...parked, tenders: all } })).field).toBe('payload.tenders');
    const same = [{ kind: 'mpesa' as const, amount: 10_000, payment_id: parked.payment_id }];
    expect(refusal(sampleEvent('sale_parked', { payload: { ...parked, tenders: same } })).field).toBe('payload.tenders');
  });
});

describe('other cross-field rules', () => {
  it('refund tenders must add up to the refund total', () => {
    const refund = samplePayload('sale_refunded');
    expect(refusal(sampleEvent('sale_refunded', { payload: { ...refund, total: refund.total + 1 } })).field).toBe('payload.tenders');
  });

  it('a shift variance must be counted minus expected', () => {
    const shift = samplePayload('shift_closed');
    const wrong = { ...shift, variance: [{ tender: 'cash' as const, amount: 0 }] };
    expect(refusal(sampleEvent('shift_closed', { payload: wrong })).field).toBe('payload.variance.0.amount');
  });

  it('a customer update must change something; phone null removes the phone', () => {
    const id = samplePayload('customer_updated').customer_id;
    expect(refusal(sampleEvent('customer_updated', { payload: { customer_id: id } })).field).toBe('payload.name');
    expect(parseEvent(sampleEvent('customer_updated', { payload: { customer_id: id, phone: null } })).type).toBe('customer_updated');
  });

  it('adjustments of zero are refused; M-Pesa amounts must be whole shillings', () => {
    const adjusted = samplePayload('stock_adjusted');
    expect(refusal(sampleEvent('stock_adjusted', { payload: { ...adjusted, delta: 0 } })).field).toBe('payload.delta');
    const credit = samplePayload('credit_adjusted');
    expect(refusal(sampleEvent('credit_adjusted', { payload: { ...credit, delta: 0 } })).field).toBe('payload.delta');
    const claim = samplePayload('mpesa_claim_recorded');
    expect(refusal(sampleEvent('mpesa_claim_recorded', { payload: { ...claim, amount: 50_050 } })).field).toBe('payload.amount');
  });
});

describe('robustness', () => {
  it('property: any JSON value is either a valid event or a PaymeError, never a crash', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = safeParseEvent(value);
        expect(result.success).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('property: random replacements of one payload leaf never crash the parser', () => {
    const payload = samplePayload('sale_completed');
    const paths = leaves(payload).map((leaf) => leaf.path);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const result = safeParseEvent(sampleEvent('sale_completed', { payload: mutateAt(payload, path, value) }));
        if (!result.success) expect(result.error.code).toBe('invalid_input');
      }),
      { numRuns: 300 },
    );
  });
});
