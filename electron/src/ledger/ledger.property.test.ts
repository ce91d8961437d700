/**
 * Property test (issue 3 acceptance): 1,000 random command sequences — sales of every tender,
 * voids, refunds, stock and credit commands, pay-ins/outs, replays, id conflicts, bad commands
 * and applied server batches. After EVERY command: cached stock and credit equal the formula of
 * DESIGN §4 computed independently from the journal, the outbox seq is gapless, the hash chain
 * verifies, and a refused command (or a replay) changed nothing at all.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, PaymeError, SeededRandom, genesis_hash, parseEvent, uuidv7, verifyChain, type ChainedRecord, type EventEnvelope } from '@payme/shared';
import { createLedger, type Ledger } from './ledger.js';
import { prepareConnection } from './db.js';
import { event_schema_checks } from './outbox.js';
import { catalog, createTestTill, expectedTotal, ids, snapshot } from '../../test/ledger-fixture.js';
import { expectedFigures } from '../../test/ledger-model.js';

const sequences = Number(process.env['LEDGER_PROPERTY_RUNS'] ?? 1_000);
const products = catalog.map((product) => product.id);
const customers = [ids.wanjiku, ids.otieno];
const initialStock = { [ids.sugar]: 5_000, [ids.soap]: 6, [ids.bread]: 3, [ids.oil]: 2_000 };
const unit_step = { [ids.sugar]: 250, [ids.soap]: 1, [ids.bread]: 1, [ids.oil]: 250 } as Record<string, number>;

/**
 * A prepared till (identity, staff, catalog, customers, stock, open shift) serialized once; each
 * sequence runs on its own in-memory copy. Durability is the crash test's subject; this one is
 * about the ledger's logic, so it need not pay for a file per sequence.
 */
let template: Buffer;
beforeAll(() => {
  const till = createTestTill({ stock: initialStock });
  // An in-memory copy cannot be in WAL mode: its header must say rollback journal.
  till.ledger.dangerousRawDb.pragma('journal_mode = DELETE');
  template = till.ledger.dangerousRawDb.serialize();
  till.cleanup();
});

const line = fc.record({ p: fc.integer({ min: 0, max: 3 }), q: fc.integer({ min: 1, max: 4 }) });
const step = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('sale' as const), lines: fc.array(line, { minLength: 1, maxLength: 3 }), tender: fc.constantFrom('cash', 'credit', 'split'), c: fc.integer({ min: 0, max: 1 }), manager: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), pick: fc.nat(), manager: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), all: fc.boolean(), credit: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('receive' as const), p: fc.integer({ min: 0, max: 3 }), q: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('adjust' as const), p: fc.integer({ min: 0, max: 3 }), delta: fc.integer({ min: -3, max: 3 }), manager: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('count' as const), p: fc.integer({ min: 0, max: 3 }), counted: fc.integer({ min: 0, max: 8 }), stale: fc.integer({ min: -2, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('payment' as const), c: fc.integer({ min: 0, max: 1 }), amount: fc.integer({ min: 1, max: 30_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('credit_adjust' as const), c: fc.integer({ min: 0, max: 1 }), delta: fc.integer({ min: -20_000, max: 20_000 }), manager: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cash' as const), out: fc.boolean(), amount: fc.integer({ min: 0, max: 50_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('park' as const), p: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), abandon: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim' as const), code: fc.constantFrom('SKL4ABCD12', 'QWE1RTY234'), amount: fc.integer({ min: 1, max: 500 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('conflict' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bad' as const), variant: fc.integer({ min: 0, max: 4 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      levels: fc.array(fc.record({ p: fc.integer({ min: 0, max: 3 }), on_hand: fc.integer({ min: -5, max: 5_000 }) }), { maxLength: 2 }),
      balances: fc.array(fc.record({ c: fc.integer({ min: 0, max: 1 }), balance: fc.integer({ min: -5_000, max: 90_000 }) }), { maxLength: 1 }),
      ack: fc.integer({ min: 0, max: 100 }),
    }),
  },
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

interface Run {
  ledger: Ledger;
  id(): string;
  done: { method: string; actor: string; input: Record<string, unknown>; result: unknown }[];
  sales: { sale_id: string; lines: { line_id: string }[] }[];
  server: { stock: Map<string, number>; credit: Map<string, number> };
  acked: number;
  verified: number;
  parked: { sale_id: string; lines: { product_id: string; quantity: number }[] }[];
}

function call(run: Run, method: string, actor: string, input: Record<string, unknown>): void {
  const result = (run.ledger as unknown as Record<string, (a: string, i: unknown) => unknown>)[method]!(actor, input);
  run.done.push({ method, actor, input, result });
  if (method === 'completeSale') {
    const sale = run.ledger.getSale({ sale_id: input['sale_id'] }).sale;
    run.sales.push({ sale_id: sale.sale_id, lines: sale.lines });
  }
}

function perform(run: Run, s: Step): void {
  const actorOf = (manager: boolean) => (manager ? ids.manager : ids.cashier);
  switch (s.kind) {
    case 'sale': {
      const lines = s.lines.map((l) => ({ product_id: products[l.p]!, quantity: l.q * unit_step[products[l.p]!]! }));
      const total = expectedTotal(lines);
      const tenders =
        s.tender === 'cash'
          ? [{ kind: 'cash', amount: total, tendered: total + 5_000 }]
          : s.tender === 'credit'
            ? [{ kind: 'credit', amount: total }]
            : [{ kind: 'cash', amount: Math.ceil(total / 2) }, { kind: 'credit', amount: total - Math.ceil(total / 2) }];
      const customer = s.tender === 'cash' ? {} : { customer_id: customers[s.c]! };
      return call(run, 'completeSale', actorOf(s.manager), { command_id: run.id(), sale_id: run.id(), lines, tenders, ...customer });
    }
    case 'void': {
      const sale = run.sales[s.pick % Math.max(1, run.sales.length)];
      return call(run, 'voidSale', actorOf(s.manager), { command_id: run.id(), sale_id: sale?.sale_id ?? run.id(), reason: 'Mistake' });
    }
    case 'refund': {
      const sale = run.sales[s.pick % Math.max(1, run.sales.length)];
      const lines = (sale?.lines ?? [{ line_id: run.id() }]).slice(0, s.all ? 3 : 1).map((l) => ({ line_id: l.line_id, quantity: 1 }));
      return call(run, 'refundSale', ids.manager, { command_id: run.id(), refund_id: run.id(), sale_id: sale?.sale_id ?? run.id(), lines, tender: s.credit ? 'credit' : 'cash', reason: 'Returned' });
    }
    case 'receive':
      return call(run, 'receiveStock', ids.cashier, { command_id: run.id(), receipt_id: run.id(), lines: [{ product_id: products[s.p]!, quantity: s.q * unit_step[products[s.p]!]! }] });
    case 'adjust':
      return call(run, 'adjustStock', actorOf(s.manager), { command_id: run.id(), product_id: products[s.p]!, delta: s.delta, reason: 'Shelf check', reason_code: 'correction' });
    case 'count': {
      const product_id = products[s.p]!;
      const onHand = run.ledger.stockOnHand({ product_ids: [product_id] }).levels[0]!.on_hand;
      return call(run, 'countStock', ids.cashier, { command_id: run.id(), count_id: run.id(), lines: [{ product_id, expected: onHand + s.stale, counted: s.counted * unit_step[product_id]! }] });
    }
    case 'payment':
      return call(run, 'recordCreditPayment', ids.cashier, { command_id: run.id(), entry_id: run.id(), customer_id: customers[s.c]!, amount: s.amount, tender: 'cash' });
    case 'credit_adjust':
      return call(run, 'adjustCredit', actorOf(s.manager), { command_id: run.id(), entry_id: run.id(), customer_id: customers[s.c]!, delta: s.delta, reason: 'Correction', reason_code: 'correction' });
    case 'cash':
      return call(run, s.out ? 'payOut' : 'payIn', ids.manager, { command_id: run.id(), entry_id: run.id(), amount: s.amount, reason: 'Float top-up' });
    case 'park': {
      const lines = [{ product_id: products[s.p]!, quantity: unit_step[products[s.p]!]! }];
      const sale_id = run.id();
      call(run, 'parkSale', ids.cashier, { command_id: run.id(), sale_id, payment_id: run.id(), lines });
      run.parked.push({ sale_id, lines });
      return;
    }
    case 'settle': {
      // Abandon a parked sale, or resume it with cash; a settled or unknown one is refused.
      const parked = run.parked[s.pick % Math.max(1, run.parked.length)] ?? { sale_id: run.id(), lines: [{ product_id: ids.soap, quantity: 1 }] };
      if (s.abandon) return call(run, 'abandonParkedSale', ids.cashier, { command_id: run.id(), sale_id: parked.sale_id, reason: 'Customer left' });
      const tenders = [{ kind: 'cash', amount: expectedTotal(parked.lines) }];
      return call(run, 'completeSale', ids.cashier, { command_id: run.id(), sale_id: parked.sale_id, parked: true, lines: parked.lines, tenders });
    }
    case 'claim':
      return call(run, 'recordMpesaClaim', ids.cashier, { command_id: run.id(), claim_id: run.id(), code: s.code, amount: s.amount * 100 });
    case 'replay':
    case 'conflict': {
      const first = run.done[s.pick % Math.max(1, run.done.length)];
      if (first === undefined) return call(run, 'payIn', ids.cashier, { command_id: run.id(), entry_id: run.id(), amount: 0, reason: 'nothing' });
      const input = s.kind === 'replay' ? first.input : { ...first.input, command_id: first.input['command_id'], reason: 'Something else entirely' };
      const again = (run.ledger as unknown as Record<string, (a: string, i: unknown) => unknown>)[first.method]!(first.actor, input);
      expect(again).toEqual(first.result);
      return;
    }
    case 'bad': {
      const bad = [
        () => call(run, 'completeSale', ids.cashier, { command_id: run.id(), sale_id: run.id(), lines: [{ product_id: ids.soap, quantity: 1 }], tenders: [{ kind: 'cash', amount: 1 }] }),
        () => call(run, 'completeSale', ids.cashier, { command_id: run.id(), sale_id: run.id(), lines: [{ product_id: run.id(), quantity: 1 }], tenders: [{ kind: 'cash', amount: 100 }] }),
        () => call(run, 'receiveStock', ids.cashier, { command_id: run.id(), receipt_id: run.id(), lines: [{ product_id: ids.soap, quantity: -1 }] }),
        () => call(run, 'adjustCredit', ids.cashier, { command_id: run.id(), entry_id: run.id(), customer_id: run.id(), delta: 5, reason: 'x', reason_code: 'other' }),
        () => call(run, 'openShift', ids.cashier, { command_id: run.id(), shift_id: run.id(), float: 0 }),
      ];
      return bad[s.variant]!();
    }
    case 'batch': {
      const head = run.ledger.chainHead().seq;
      const acked = run.acked + Math.floor(((head - run.acked) * s.ack) / 100);
      const changes = [
        ...s.levels.map((l, i) => ({ cursor: `c${i}`, kind: 'stock_level', id: products[l.p]!, data: { on_hand: l.on_hand } })),
        ...s.balances.map((b, i) => ({ cursor: `b${i}`, kind: 'credit_balance', id: customers[b.c]!, data: { balance_cents: b.balance } })),
      ];
      run.ledger.applyServerBatch({ changes, acked_seq: acked, cursor: 'x' });
      for (const l of s.levels) run.server.stock.set(products[l.p]!, l.on_hand);
      for (const b of s.balances) run.server.credit.set(customers[b.c]!, b.balance);
      run.acked = acked;
      return;
    }
  }
}

/**
 * Checked after every command. The chain is verified from the last verified event on (earlier
 * rows cannot change: the outbox trigger refuses edits, and the snapshot comparison would see
 * one); the whole chain is verified again at the end of every sequence.
 */
function checkInvariants(run: Run, whole = false): void {
  const rows = run.ledger.dangerousRawDb.prepare('SELECT envelope FROM outbox ORDER BY seq').all() as { envelope: string }[];
  const events = rows.map((row) => JSON.parse(row.envelope) as EventEnvelope);
  events.forEach((event, index) => expect(event.seq).toBe(index + 1));
  const from = whole ? 0 : Math.max(0, run.verified - 1);
  // The schema check appendEvent skips at the till: every event written must parse (a PaymeError
  // here fails the test; it is not counted as a refused command).
  for (const event of events.slice(run.verified)) parseEvent(event);
  const start = events[from - 1];
  expect(verifyChain(events.slice(from) as unknown as ChainedRecord[], from + 1, start?.hash ?? genesis_hash)).toBeNull();
  run.verified = events.length;
  const expected = expectedFigures(events, run.server, run.acked);
  for (const level of run.ledger.stockOnHand({}).levels) expect(level.on_hand).toBe(expected.stock.get(level.product_id) ?? 0);
  for (const customer of customers) {
    expect(run.ledger.customerStatement({ customer_id: customer, limit: 1 }).customer.balance).toBe(expected.credit.get(customer) ?? 0);
  }
}

describe('ledger invariants', () => {
  // appendEvent's own schema check is off here, so a malformed event reaches checkInvariants
  // and fails there, instead of being thrown inside a command and counted as a refusal.
  const checksBefore = event_schema_checks.enabled;
  beforeAll(() => {
    event_schema_checks.enabled = false;
  });
  afterAll(() => {
    event_schema_checks.enabled = checksBefore;
  });

  it(`hold after every command of ${sequences} random sequences`, () => {
    let counter = 0;
    let commands = 0;
    let refusals = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 3, maxLength: 12 }), fc.integer({ min: 1, max: 2 ** 30 }), (steps, seed) => {
        counter += 1;
        const clock = new ManualClock(Date.UTC(2026, 10, 26, 7, 0, 0));
        const random = new SeededRandom(seed);
        const ledger = createLedger(prepareConnection(new Database(template), 'OFF'), clock, random);
        const run: Run = {
          ledger,
          id: () => uuidv7(clock, random),
          done: [],
          sales: [],
          server: { stock: new Map(Object.entries(initialStock)), credit: new Map() },
          acked: 0,
          verified: 0,
          parked: [],
        };
        try {
          for (const s of steps) {
            clock.advance(1_000);
            const before = snapshot(ledger);
            const head = ledger.chainHead().seq;
            commands += 1;
            try {
              perform(run, s);
              if (s.kind === 'replay') expect(snapshot(ledger)).toBe(before);
              else if (s.kind !== 'batch') expect(ledger.chainHead().seq).toBe(head + 1);
              expect(s.kind === 'conflict' && run.done.length > 0).toBe(false);
            } catch (error) {
              if (!(error instanceof PaymeError)) throw error;
              refusals += 1;
              expect(snapshot(ledger)).toBe(before);
            }
            checkInvariants(run);
          }
          checkInvariants(run, true);
        } finally {
          ledger.close();
        }
      }),
      { numRuns: sequences, seed: 20261126 },
    );
    expect(counter).toBeGreaterThanOrEqual(sequences);
    // The generator must exercise both paths, or the "changed nothing" check proves nothing.
    expect(refusals).toBeGreaterThan(commands / 20);
    expect(commands - refusals).toBeGreaterThan(commands / 3);
  }, 240_000);
});
