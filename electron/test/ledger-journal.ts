/**
 * Random command sequences for the ledger's property tests (ledger.property.test.ts and
 * projector-mutants.test.ts): sales of every tender, parked sales, voids, refunds, stock and
 * credit commands, customers, pay-ins/outs, shift closes and opens, replays, id conflicts, bad
 * commands and applied server batches, run on a prepared till.
 *
 * Each sequence is checked two ways. Live, after every command: cached stock and credit equal
 * the formula of DESIGN §4 computed independently from the journal, the outbox seq is gapless,
 * the hash chain verifies, and a refused command (or a replay) changed nothing at all. Replayed:
 * the outbox is applied, event by event through the projector, to the same till before its first
 * event (the server batches in between at the points they came), and every table must then equal
 * the live till's — the one-writer rule (DESIGN §4): what a command did is what its event says.
 */
import { rawDb } from '../src/ledger/raw-db.js';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ManualClock, PaymeError, SeededRandom, genesis_hash, parseEvent, uuidv7, verifyChain, type ChainedRecord, type EventEnvelope } from '@payme/shared';
import { createLedger, type Ledger } from '../src/ledger/ledger.js';
import { createContext } from '../src/ledger/context.js';
import { prepareConnection } from '../src/ledger/db.js';
import { projectEvent } from '../src/ledger/projector.js';
import { catalog, createTestTill, expectedTotal, ids, snapshot } from './ledger-fixture.js';
import { expectedFigures } from './ledger-model.js';

const products = catalog.map((product) => product.id);
const initialStock = { [ids.sugar]: 5_000, [ids.soap]: 6, [ids.bread]: 3, [ids.oil]: 2_000 };
const unit_step = { [ids.sugar]: 250, [ids.soap]: 1, [ids.bread]: 1, [ids.oil]: 250 } as Record<string, number>;
const start_ms = Date.UTC(2026, 10, 26, 7, 0, 0);
const step_ms = 1_000;
/** The replay runs this much later than the live till (a recovery days after the sales). */
const replay_delay_ms = 3 * 24 * 3_600_000;
/**
 * Not compared after a replay: `commands` holds each command's answer for an idempotent retry,
 * written by `runCommand` beside the event (import carries it with the event); it is no effect
 * of the event. FTS shadow tables follow `products` by trigger.
 */
const not_event_effects = new Set(['commands']);

/**
 * A prepared till (identity, staff, catalog, customers, stock) serialized once, before and after
 * its shift opened; each sequence runs on its own in-memory copy of the second, and its replay on
 * one of the first. Durability is the crash test's subject; this one is about the ledger's logic.
 */
export interface JournalTemplates {
  beforeEvents: Buffer;
  shiftOpen: Buffer;
}

export function journalTemplates(): JournalTemplates {
  const till = createTestTill({ stock: initialStock, openShift: false });
  try {
    const db = rawDb(till.ledger);
    // An in-memory copy cannot be in WAL mode: its header must say rollback journal.
    db.pragma('journal_mode = DELETE');
    const beforeEvents = db.serialize();
    till.ledger.openShift(ids.cashier, { command_id: till.id(), shift_id: till.id(), float: 500_000 });
    return { beforeEvents, shiftOpen: db.serialize() };
  } finally {
    till.cleanup();
  }
}

const line = fc.record({ p: fc.integer({ min: 0, max: 3 }), q: fc.integer({ min: 1, max: 4 }) });
export const journalStep = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('sale' as const), lines: fc.array(line, { minLength: 1, maxLength: 3 }), tender: fc.constantFrom('cash', 'credit', 'split', 'mpesa'), c: fc.nat(), manager: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), pick: fc.nat(), manager: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), all: fc.boolean(), tender: fc.constantFrom('cash', 'credit', 'mpesa_reversal') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('receive' as const), p: fc.integer({ min: 0, max: 3 }), q: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('adjust' as const), p: fc.integer({ min: 0, max: 3 }), delta: fc.integer({ min: -3, max: 3 }), manager: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('count' as const), p: fc.integer({ min: 0, max: 3 }), counted: fc.integer({ min: 0, max: 8 }), stale: fc.integer({ min: -2, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('payment' as const), c: fc.nat(), amount: fc.integer({ min: 1, max: 30_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('credit_adjust' as const), c: fc.nat(), delta: fc.integer({ min: -20_000, max: 20_000 }), manager: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('customer' as const), limit: fc.constantFrom(0, 50_000), phone: fc.boolean(), manager: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('customer_update' as const), c: fc.nat(), name: fc.boolean(), phone: fc.constantFrom('keep', 'set', 'remove'), limit: fc.option(fc.constantFrom(0, 80_000)), manager: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cash' as const), out: fc.boolean(), amount: fc.integer({ min: 0, max: 50_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shift' as const), counted: fc.integer({ min: 0, max: 900_000 }) }) },
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
export type JournalStep = typeof journalStep extends fc.Arbitrary<infer T> ? T : never;

interface AppliedBatch {
  /** The journal head when the batch was applied: it comes after that event, before the next. */
  after_seq: number;
  at_ms: number;
  batch: unknown;
}

interface Run {
  ledger: Ledger;
  clock: ManualClock;
  id(): string;
  done: { method: string; actor: string; input: Record<string, unknown>; result: unknown }[];
  sales: { sale_id: string; lines: { line_id: string }[] }[];
  customers: string[];
  server: { stock: Map<string, number>; credit: Map<string, number> };
  batches: AppliedBatch[];
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
  if (method === 'createCustomer') run.customers.push(input['customer_id'] as string);
}

const actorOf = (manager: boolean) => (manager ? ids.manager : ids.cashier);
const pick = <T,>(list: readonly T[], index: number): T | undefined => list[index % Math.max(1, list.length)];

function sale(run: Run, s: Extract<JournalStep, { kind: 'sale' }>): void {
  const lines = s.lines.map((l) => ({ product_id: products[l.p]!, quantity: l.q * unit_step[products[l.p]!]! }));
  const total = expectedTotal(lines);
  const half = Math.ceil(total / 2);
  const tenders = {
    cash: [{ kind: 'cash', amount: total, tendered: total + 5_000 }],
    credit: [{ kind: 'credit', amount: total }],
    split: [{ kind: 'cash', amount: half }, { kind: 'credit', amount: total - half }],
    mpesa: [{ kind: 'mpesa', amount: total, claim_code: 'SKL4ABCD12' }],
  }[s.tender];
  const customer = s.tender === 'cash' || s.tender === 'mpesa' ? {} : { customer_id: pick(run.customers, s.c)! };
  call(run, 'completeSale', actorOf(s.manager), { command_id: run.id(), sale_id: run.id(), lines, tenders, ...customer });
}

function customerUpdate(run: Run, s: Extract<JournalStep, { kind: 'customer_update' }>): void {
  const input: Record<string, unknown> = { command_id: run.id(), customer_id: pick(run.customers, s.c)! };
  if (s.name) input['name'] = `Customer ${run.done.length}`;
  if (s.phone !== 'keep') input['phone'] = s.phone === 'set' ? '254722000111' : null;
  if (s.limit !== null) input['credit_limit'] = s.limit;
  call(run, 'updateCustomer', actorOf(s.manager), input);
}

/** Closes the open shift, or opens one when none is. */
function shift(run: Run, s: Extract<JournalStep, { kind: 'shift' }>): void {
  if (run.ledger.currentShift().shift === null) return call(run, 'openShift', ids.cashier, { command_id: run.id(), shift_id: run.id(), float: 200_000 });
  call(run, 'closeShift', ids.manager, { command_id: run.id(), counted: [{ tender: 'cash', amount: s.counted }] });
}

function settle(run: Run, s: Extract<JournalStep, { kind: 'settle' }>): void {
  // Abandon a parked sale, or resume it with cash; a settled or unknown one is refused.
  const parked = pick(run.parked, s.pick) ?? { sale_id: run.id(), lines: [{ product_id: ids.soap, quantity: 1 }] };
  if (s.abandon) return call(run, 'abandonParkedSale', ids.cashier, { command_id: run.id(), sale_id: parked.sale_id, reason: 'Customer left' });
  const tenders = [{ kind: 'cash', amount: expectedTotal(parked.lines) }];
  call(run, 'completeSale', ids.cashier, { command_id: run.id(), sale_id: parked.sale_id, parked: true, lines: parked.lines, tenders });
}

function again(run: Run, s: Extract<JournalStep, { kind: 'replay' | 'conflict' }>): void {
  const first = pick(run.done, s.pick);
  if (first === undefined) return call(run, 'payIn', ids.cashier, { command_id: run.id(), entry_id: run.id(), amount: 0, reason: 'nothing' });
  const input = s.kind === 'replay' ? first.input : { ...first.input, command_id: first.input['command_id'], reason: 'Something else entirely' };
  const answer = (run.ledger as unknown as Record<string, (a: string, i: unknown) => unknown>)[first.method]!(first.actor, input);
  expect(answer).toEqual(first.result);
}

function bad(run: Run, variant: number): void {
  const commands = [
    () => call(run, 'completeSale', ids.cashier, { command_id: run.id(), sale_id: run.id(), lines: [{ product_id: ids.soap, quantity: 1 }], tenders: [{ kind: 'cash', amount: 1 }] }),
    () => call(run, 'completeSale', ids.cashier, { command_id: run.id(), sale_id: run.id(), lines: [{ product_id: run.id(), quantity: 1 }], tenders: [{ kind: 'cash', amount: 100 }] }),
    () => call(run, 'receiveStock', ids.cashier, { command_id: run.id(), receipt_id: run.id(), lines: [{ product_id: ids.soap, quantity: -1 }] }),
    () => call(run, 'adjustCredit', ids.cashier, { command_id: run.id(), entry_id: run.id(), customer_id: run.id(), delta: 5, reason: 'x', reason_code: 'other' }),
    () => call(run, 'openShift', ids.cashier, { command_id: run.id(), shift_id: run.id(), float: 0 }),
  ];
  commands[variant]!();
}

function batch(run: Run, s: Extract<JournalStep, { kind: 'batch' }>): void {
  const head = run.ledger.chainHead().seq;
  const acked = run.acked + Math.floor(((head - run.acked) * s.ack) / 100);
  const changes = [
    ...s.levels.map((l, i) => ({ cursor: `c${i}`, kind: 'stock_level', id: products[l.p]!, data: { on_hand: l.on_hand } })),
    ...s.balances.map((b, i) => ({ cursor: `b${i}`, kind: 'credit_balance', id: run.customers[b.c]!, data: { balance_cents: b.balance } })),
  ];
  const applied = { changes, acked_seq: acked, cursor: 'x' };
  run.ledger.applyServerBatch(applied);
  run.batches.push({ after_seq: head, at_ms: run.clock.now(), batch: applied });
  for (const l of s.levels) run.server.stock.set(products[l.p]!, l.on_hand);
  for (const b of s.balances) run.server.credit.set(run.customers[b.c]!, b.balance);
  run.acked = acked;
}

function perform(run: Run, s: JournalStep): void {
  switch (s.kind) {
    case 'sale':
      return sale(run, s);
    case 'void':
      return call(run, 'voidSale', actorOf(s.manager), { command_id: run.id(), sale_id: pick(run.sales, s.pick)?.sale_id ?? run.id(), reason: 'Mistake' });
    case 'refund': {
      const sold = pick(run.sales, s.pick);
      const lines = (sold?.lines ?? [{ line_id: run.id() }]).slice(0, s.all ? 3 : 1).map((l) => ({ line_id: l.line_id, quantity: 1 }));
      return call(run, 'refundSale', ids.manager, { command_id: run.id(), refund_id: run.id(), sale_id: sold?.sale_id ?? run.id(), lines, tender: s.tender, reason: 'Returned' });
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
      return call(run, 'recordCreditPayment', ids.cashier, { command_id: run.id(), entry_id: run.id(), customer_id: pick(run.customers, s.c)!, amount: s.amount, tender: 'cash' });
    case 'credit_adjust':
      return call(run, 'adjustCredit', actorOf(s.manager), { command_id: run.id(), entry_id: run.id(), customer_id: pick(run.customers, s.c)!, delta: s.delta, reason: 'Correction', reason_code: 'correction' });
    case 'customer':
      return call(run, 'createCustomer', actorOf(s.manager), { command_id: run.id(), customer_id: run.id(), name: `Customer ${run.done.length}`, credit_limit: s.limit, ...(s.phone ? { phone: '254733000222' } : {}) });
    case 'customer_update':
      return customerUpdate(run, s);
    case 'cash':
      return call(run, s.out ? 'payOut' : 'payIn', ids.manager, { command_id: run.id(), entry_id: run.id(), amount: s.amount, reason: 'Float top-up' });
    case 'shift':
      return shift(run, s);
    case 'park': {
      const lines = [{ product_id: products[s.p]!, quantity: unit_step[products[s.p]!]! }];
      const sale_id = run.id();
      call(run, 'parkSale', ids.cashier, { command_id: run.id(), sale_id, payment_id: run.id(), lines });
      run.parked.push({ sale_id, lines });
      return;
    }
    case 'settle':
      return settle(run, s);
    case 'claim':
      return call(run, 'recordMpesaClaim', ids.cashier, { command_id: run.id(), claim_id: run.id(), code: s.code, amount: s.amount * 100 });
    case 'replay':
    case 'conflict':
      return again(run, s);
    case 'bad':
      return bad(run, s.variant);
    case 'batch':
      return batch(run, s);
  }
}

/**
 * Checked after every command. The chain is verified from the last verified event on (earlier
 * rows cannot change: the outbox trigger refuses edits, and the snapshot comparison would see
 * one); the whole chain is verified again at the end of every sequence.
 */
function checkInvariants(run: Run, whole = false): void {
  const rows = rawDb(run.ledger).prepare('SELECT envelope FROM outbox ORDER BY seq').all() as { envelope: string }[];
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
  for (const customer of run.customers) {
    expect(run.ledger.customerStatement({ customer_id: customer, limit: 1 }).customer.balance).toBe(expected.credit.get(customer) ?? 0);
  }
}

/** Every row of every table but those `not_event_effects` names, per table, in rowid order. */
export function tablesOf(db: Database.Database): Record<string, unknown[][]> {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'products_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  const tables: Record<string, unknown[][]> = {};
  for (const { name } of names) if (!not_event_effects.has(name)) tables[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).raw().all() as unknown[][];
  return tables;
}

/**
 * The live till's outbox applied to the till before its first event: each stored row as it is,
 * its effects through `projectEvent` (what recovery and import do), and each server batch after
 * the event it followed, at the time it came. Events are applied days later than they happened.
 */
export function replayJournal(live: Ledger, beforeEvents: Buffer, batches: readonly AppliedBatch[]): Ledger {
  const clock = new ManualClock(start_ms);
  const ledger = createLedger(prepareConnection(new Database(beforeEvents), 'OFF'), clock, new SeededRandom(1));
  const ctx = createContext(rawDb(ledger), clock, new SeededRandom(1));
  const rows = rawDb(live).prepare('SELECT * FROM outbox ORDER BY seq').all() as { seq: number; envelope: string }[];
  const columns = Object.keys(rows[0] ?? { seq: 0 });
  const insert = rawDb(ledger).prepare(`INSERT INTO outbox (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  let pending = [...batches];
  const batchesUpTo = (seq: number) => {
    for (const applied of pending.filter((b) => b.after_seq <= seq)) {
      clock.set(applied.at_ms);
      ledger.applyServerBatch(applied.batch);
    }
    pending = pending.filter((b) => b.after_seq > seq);
  };
  for (const row of rows) {
    batchesUpTo(row.seq - 1);
    const event = parseEvent(JSON.parse(row.envelope));
    clock.set(Date.parse(event.occurred_at) + replay_delay_ms);
    rawDb(ledger).transaction(() => {
      insert.run(row);
      projectEvent(ctx, event, row.seq);
    })();
  }
  batchesUpTo(Number.MAX_SAFE_INTEGER);
  return ledger;
}

export interface JournalStats {
  sequences: number;
  commands: number;
  refusals: number;
  events: Map<string, number>;
}

/** One random sequence, checked live after every command and replayed at the end. */
export function runJournal(templates: JournalTemplates, steps: readonly JournalStep[], seed: number, stats: JournalStats): void {
  stats.sequences += 1;
  const clock = new ManualClock(start_ms);
  const random = new SeededRandom(seed);
  const ledger = createLedger(prepareConnection(new Database(templates.shiftOpen), 'OFF'), clock, random);
  const run: Run = {
    ledger,
    clock,
    id: () => uuidv7(clock, random),
    done: [],
    sales: [],
    customers: [ids.wanjiku, ids.otieno],
    server: { stock: new Map(Object.entries(initialStock)), credit: new Map() },
    batches: [],
    acked: 0,
    verified: 0,
    parked: [],
  };
  let replayed: Ledger | undefined;
  try {
    for (const s of steps) {
      clock.advance(step_ms);
      const before = snapshot(ledger);
      const head = ledger.chainHead().seq;
      stats.commands += 1;
      try {
        perform(run, s);
        if (s.kind === 'replay') expect(snapshot(ledger)).toBe(before);
        else if (s.kind !== 'batch') expect(ledger.chainHead().seq).toBe(head + 1);
        expect(s.kind === 'conflict' && run.done.length > 0).toBe(false);
      } catch (error) {
        if (!(error instanceof PaymeError)) throw error;
        stats.refusals += 1;
        expect(snapshot(ledger)).toBe(before);
      }
      checkInvariants(run);
    }
    checkInvariants(run, true);
    for (const { type } of rawDb(ledger).prepare('SELECT type FROM outbox').all() as { type: string }[]) stats.events.set(type, (stats.events.get(type) ?? 0) + 1);
    replayed = replayJournal(ledger, templates.beforeEvents, run.batches);
    expect(tablesOf(rawDb(replayed))).toEqual(tablesOf(rawDb(ledger)));
  } finally {
    replayed?.close();
    ledger.close();
  }
}

export function emptyStats(): JournalStats {
  return { sequences: 0, commands: 0, refusals: 0, events: new Map() };
}
