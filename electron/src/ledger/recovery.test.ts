import { rawDb } from './raw-db.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, PaymeError, SeededRandom, type EventEnvelope } from '@payme/shared';
import { openLedger, type Ledger } from './ledger.js';
import { placeholder_customer_name } from './recovery.js';
import { cashSale, createTestTill, expectedTotal, ids, pins, type TestTill } from '../../test/ledger-fixture.js';

const tills: TestTill[] = [];
afterEach(() => tills.splice(0).forEach((till) => till.cleanup()));

function till(options: Parameters<typeof createTestTill>[0] = {}): TestTill {
  const created = createTestTill(options);
  tills.push(created);
  return created;
}

const allEvents = (ledger: Ledger): EventEnvelope[] => ledger.eventsFrom(1, 100_000);
const approval = { manager_id: ids.manager, pin: pins.manager };

/** A day of work touching every event type the projector knows. */
function busyDay(t: TestTill): void {
  const { ledger } = t;
  cashSale(t, [{ product_id: ids.soap, quantity: 2 }]);
  const lines = [{ product_id: ids.sugar, quantity: 1_500 }];
  ledger.completeSale(ids.cashier, { command_id: t.id(), sale_id: t.id(), customer_id: ids.wanjiku, lines, tenders: [{ kind: 'cash', amount: 10_000 }, { kind: 'credit', amount: expectedTotal(lines) - 10_000 }] });
  const voided = cashSale(t, [{ product_id: ids.bread, quantity: 1 }]);
  ledger.voidSale(ids.cashier, { command_id: t.id(), sale_id: voided.sale_id, reason: 'Wrong item', approval });
  const refunded = cashSale(t, [{ product_id: ids.soap, quantity: 3 }]);
  const line_id = ledger.getSale({ sale_id: refunded.sale_id }).sale.lines[0]!.line_id;
  ledger.refundSale(ids.manager, { command_id: t.id(), refund_id: t.id(), sale_id: refunded.sale_id, lines: [{ line_id, quantity: 1 }], tender: 'cash', reason: 'Dented' });
  const parked = t.id();
  ledger.parkSale(ids.cashier, { command_id: t.id(), sale_id: parked, payment_id: t.id(), lines: [{ product_id: ids.oil, quantity: 500 }] });
  ledger.completeSale(ids.cashier, { command_id: t.id(), sale_id: parked, parked: true, lines: [{ product_id: ids.oil, quantity: 500 }], tenders: [{ kind: 'cash', amount: 16_500 }] });
  const gone = t.id();
  ledger.parkSale(ids.cashier, { command_id: t.id(), sale_id: gone, payment_id: t.id(), lines: [{ product_id: ids.soap, quantity: 1 }] });
  ledger.abandonParkedSale(ids.cashier, { command_id: t.id(), sale_id: gone, reason: 'Left' });
  ledger.receiveStock(ids.cashier, { command_id: t.id(), receipt_id: t.id(), lines: [{ product_id: ids.soap, quantity: 12 }] });
  ledger.adjustStock(ids.manager, { command_id: t.id(), product_id: ids.bread, delta: -1, reason: 'Mouldy', reason_code: 'expired' });
  ledger.countStock(ids.cashier, { command_id: t.id(), count_id: t.id(), lines: [{ product_id: ids.oil, expected: 9_500, counted: 9_400 }] });
  const customer_id = t.id();
  ledger.createCustomer(ids.manager, { command_id: t.id(), customer_id, name: 'Mama Njeri', credit_limit: 20_000 });
  ledger.updateCustomer(ids.cashier, { command_id: t.id(), customer_id, phone: '254722000111' });
  ledger.recordCreditPayment(ids.cashier, { command_id: t.id(), entry_id: t.id(), customer_id: ids.wanjiku, amount: 5_000, tender: 'cash' });
  ledger.adjustCredit(ids.manager, { command_id: t.id(), entry_id: t.id(), customer_id: ids.wanjiku, delta: -1_000, reason: 'Goodwill', reason_code: 'write_off' });
  ledger.payIn(ids.cashier, { command_id: t.id(), entry_id: t.id(), amount: 20_000, reason: 'Change' });
  ledger.payOut(ids.manager, { command_id: t.id(), entry_id: t.id(), amount: 3_000, reason: 'Transport' });
  ledger.recordMpesaClaim(ids.cashier, { command_id: t.id(), claim_id: t.id(), code: 'SKL4ABCD12', amount: 10_000 });
  ledger.closeShift(ids.cashier, { command_id: t.id(), counted: [{ tender: 'cash', amount: 600_000 }] });
  ledger.openShift(ids.cashier, { command_id: t.id(), shift_id: t.id(), float: 100_000 });
}

const compared_tables = ['sales', 'sale_lines', 'sale_tenders', 'refunds', 'parked_sales', 'shifts', 'shift_entries', 'stock_movements', 'credit_entries', 'customers', 'mpesa_claims', 'outbox'];

/** Rows with their JSON columns parsed: key order in stored JSON is not part of the content. */
function rows(ledger: Ledger, table: string): unknown[] {
  const all = rawDb(ledger).prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all() as Record<string, unknown>[];
  return all.map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'string' && /^[[{]/.test(value) ? JSON.parse(value) : value])),
  );
}

describe('adoptRecoveredHistory', () => {
  it("rebuilds a till from the server's copy of its journal: every sale, entry and balance as the original wrote it", () => {
    const original = till();
    busyDay(original);
    const restored = till({ openShift: false, seed: 99 });
    const head = original.ledger.chainHead();
    const result = restored.ledger.adoptRecoveredHistory({ epoch: 2, common_seq: 0, head, server_events: allEvents(original.ledger), receipt_counter: 5 });
    expect(result.reappended).toBe(0);
    for (const table of compared_tables) expect(rows(restored.ledger, table), table).toEqual(rows(original.ledger, table).map((row) => (table === 'outbox' ? { ...(row as object), command_id: (row as { event_id: string }).event_id } : row)));
    expect(restored.ledger.stockOnHand({}).levels).toEqual(original.ledger.stockOnHand({}).levels);
    expect(restored.ledger.verifyLedger()).toEqual([]);
    expect([restored.ledger.ackedSeq(), restored.ledger.unsyncedCount(), restored.ledger.identity()?.epoch]).toEqual([head.seq, 0, 2]);
    expect(cashSale(restored, [{ product_id: ids.soap, quantity: 1 }]).receipt_no).toBe('T1-000006');
  });

  it('a till restored from a backup adopts what it lost and re-appends its own new events after the head', () => {
    const original = till();
    cashSale(original, [{ product_id: ids.soap, quantity: 1 }]);
    const backup = path.join(original.dir, 'backup.db');
    writeFileSync(backup, rawDb(original.ledger).serialize());
    const common = original.ledger.chainHead().seq;
    cashSale(original, [{ product_id: ids.soap, quantity: 2 }]); // lost with the disk
    original.ledger.receiveStock(ids.cashier, { command_id: original.id(), receipt_id: original.id(), lines: [{ product_id: ids.sugar, quantity: 1_000 }] });

    const clock = new ManualClock(Date.UTC(2026, 10, 26, 9, 0));
    const restored = openLedger({ path: backup, clock, random: new SeededRandom(5) });
    try {
      const receive = { command_id: '01930000-0000-7000-8000-0000000000b1', receipt_id: '01930000-0000-7000-8000-0000000000b2', lines: [{ product_id: ids.soap, quantity: 6 }] };
      const first = restored.receiveStock(ids.cashier, receive);
      restored.recordCreditPayment(ids.cashier, { command_id: '01930000-0000-7000-8000-0000000000b3', entry_id: '01930000-0000-7000-8000-0000000000b4', customer_id: ids.wanjiku, amount: 2_000, tender: 'cash' });
      const mine = allEvents(restored).slice(common);
      const head = original.ledger.chainHead();
      const lost = allEvents(original.ledger).slice(common);
      expect(restored.adoptRecoveredHistory({ epoch: 2, common_seq: common, head, server_events: lost, receipt_counter: 2 })).toEqual({ reappended: 2 });

      const journal = allEvents(restored);
      expect(journal.map((event) => event.event_id)).toEqual([...allEvents(original.ledger).map((event) => event.event_id), ...mine.map((event) => event.event_id)]);
      expect(journal.at(-2)!.prev_hash).toBe(head.hash);
      expect(restored.pendingEvents(10).map((event) => event.seq)).toEqual([head.seq + 1, head.seq + 2]);
      expect(restored.verifyLedger()).toEqual([]);
      // 20 − 1 − 2 sold, + 6 received here; 50 kg + 1 kg of sugar received on the lost side.
      expect(restored.stockOnHand({ product_ids: [ids.soap, ids.sugar] }).levels.map((level) => level.on_hand)).toEqual([23, 51_000]);
      expect(rawDb(restored).prepare('SELECT count(*) AS n FROM outbox_superseded').get()).toEqual({ n: 2 });
      // A retry of a re-appended command still answers its first result and writes nothing.
      expect(restored.receiveStock(ids.cashier, receive)).toEqual(first);
      expect(restored.unsyncedCount()).toBe(2);
      expect(cashSale({ ...original, ledger: restored } as TestTill, [{ product_id: ids.soap, quantity: 1 }]).receipt_no).toBe('T1-000003');
    } finally {
      restored.close();
    }
  });

  it('a lost credit sale naming a customer the backup never received gets a placeholder the feed fills; balances follow DESIGN §4', () => {
    const original = till();
    const backup = path.join(original.dir, 'backup-customer.db');
    writeFileSync(backup, rawDb(original.ledger).serialize());
    const common = original.ledger.chainHead().seq;
    // Another till created Baba Otieno; the original learnt of him from the feed, then sold him on credit.
    const baba = original.id();
    original.ledger.applyServerBatch({ changes: [{ cursor: '7', kind: 'customer', id: baba, data: { name: 'Baba Otieno', phone: null, credit_limit_cents: 50_000 } }], acked_seq: common, cursor: '7' });
    const lines = [{ product_id: ids.soap, quantity: 2 }];
    original.ledger.completeSale(ids.cashier, { command_id: original.id(), sale_id: original.id(), customer_id: baba, lines, tenders: [{ kind: 'credit', amount: expectedTotal(lines) }] });
    original.ledger.recordCreditPayment(ids.cashier, { command_id: original.id(), entry_id: original.id(), customer_id: baba, amount: 1_000, tender: 'cash' });

    const restored = openLedger({ path: backup, clock: new ManualClock(Date.UTC(2026, 10, 26, 9, 0)), random: new SeededRandom(6) });
    try {
      const head = original.ledger.chainHead();
      restored.adoptRecoveredHistory({ epoch: 2, common_seq: common, head, server_events: allEvents(original.ledger).slice(common), receipt_counter: 1 });
      const owed = expectedTotal(lines) - 1_000;
      const placeholder = rawDb(restored).prepare('SELECT name, credit_limit, balance FROM customers WHERE customer_id = ?').get(baba);
      expect(placeholder).toEqual({ name: placeholder_customer_name, credit_limit: 0, balance: owed });
      expect(restored.verifyLedger()).toEqual([]);
      // The feed page carrying the customer and the server's balance arrives: the row is filled in.
      restored.applyServerBatch({
        changes: [
          { cursor: '7', kind: 'customer', id: baba, data: { name: 'Baba Otieno', phone: null, credit_limit_cents: 50_000 } },
          { cursor: '8', kind: 'credit_balance', id: baba, data: { balance_cents: owed } },
        ],
        acked_seq: head.seq,
        cursor: '8',
      });
      const filled = rawDb(restored).prepare('SELECT name, credit_limit, balance FROM customers WHERE customer_id = ?').get(baba);
      expect(filled).toEqual({ name: 'Baba Otieno', credit_limit: 50_000, balance: owed });
      expect(restored.verifyLedger()).toEqual([]);
    } finally {
      restored.close();
    }
  });

  it('refuses events that do not chain onto the common seq, changing nothing', () => {
    const original = till();
    cashSale(original, [{ product_id: ids.soap, quantity: 1 }]);
    const other = till({ seed: 7 });
    const events = allEvents(original.ledger);
    const forged = events.map((event, index) => (index === 1 ? { ...event, payload: { ...event.payload, total: 1 } } : event));
    const head = original.ledger.chainHead();
    let error: unknown;
    try {
      other.ledger.adoptRecoveredHistory({ epoch: 2, common_seq: 0, head, server_events: forged, receipt_counter: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PaymeError);
    expect(other.ledger.chainHead().seq).toBe(1);
    expect(() => other.ledger.adoptRecoveredHistory({ epoch: 2, common_seq: 0, head: { seq: 9, hash: head.hash }, server_events: events, receipt_counter: 0 })).toThrow(/head/);
  });
});
