/**
 * The replaced ledger's events join a restored backup (DESIGN §5, `payme-till restore`): read
 * from a real SQLite file, imported once (a second import doubles nothing), rechained so the
 * journal verifies, and refused whole when an event does not recompute or names another till.
 */
import { rawDb } from '../ledger/raw-db.js';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom, verifyChain, type ChainedRecord } from '@payme/shared';
import { cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';
import { openLedger, type Ledger } from '../ledger/ledger.js';
import { readReplacedLedger } from './replaced-ledger.js';

let till: TestTill | null = null;
const opened: Ledger[] = [];
afterEach(() => {
  for (const ledger of opened.splice(0)) ledger.close();
  till?.cleanup();
  till = null;
});

/** A till with a backup taken after its first sale, and two more sales (one refunded) after it. */
function tillWithBackup() {
  till = createTestTill();
  const first = cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
  const backup = path.join(till.dir, 'backup.db');
  rawDb(till.ledger).exec(`VACUUM INTO '${backup}'`);
  const second = cashSale(till, [{ product_id: ids.soap, quantity: 2 }]);
  const third = cashSale(till, [{ product_id: ids.soap, quantity: 3 }]);
  const restored = openLedger({ path: backup, clock: new ManualClock(Date.UTC(2026, 10, 26, 8)), random: new SeededRandom(9) });
  opened.push(restored);
  return { till, first, second, third, restored };
}

describe('importReplacedEvents', () => {
  it('appends exactly the events the backup lacks, in order, identical to the replaced journal, and a second import doubles nothing', () => {
    const { till, second, third, restored } = tillWithBackup();
    const replaced = readReplacedLedger(till.file, ids.till, 0);
    if (!replaced.readable) throw new Error(replaced.reason);
    expect(replaced.unsynced).toBe(till.ledger.chainHead().seq); // nothing was ever acknowledged
    const before = restored.chainHead().seq;
    expect(restored.importReplacedEvents(replaced.input)).toMatchObject({ imported: 2, skipped: before });
    // The backup is a prefix of the replaced journal: the imported envelopes are the same bytes.
    expect(restored.chainHead()).toEqual(till.ledger.chainHead());
    expect(restored.getSale({ sale_id: second.sale_id }).sale.receipt_no).toBe(second.receipt_no);
    expect(restored.getSale({ sale_id: third.sale_id }).sale.total).toBe(third.total);
    expect(restored.stockOnHand({ product_ids: [ids.soap] })).toEqual(till.ledger.stockOnHand({ product_ids: [ids.soap] }));
    expect(restored.unsyncedCount()).toBe(till.ledger.unsyncedCount());
    expect(restored.verifyLedger()).toEqual([]);

    expect(restored.importReplacedEvents(replaced.input)).toMatchObject({ imported: 0, skipped: replaced.input.events.length });
    expect(restored.chainHead()).toEqual(till.ledger.chainHead());
    // The receipt counter continues past every number the replaced ledger printed.
    const nextSale = cashSale({ ...till, ledger: restored }, [{ product_id: ids.soap, quantity: 1 }]);
    expect(nextSale.receipt_no).toBe('T1-000004');
  });

  it('rechains onto a backup that is not a prefix, keeping event ids, and the journal verifies', () => {
    const { till, restored } = tillWithBackup();
    // The restored ledger sold on its own before the import (a forced offline restore).
    cashSale({ ...till, ledger: restored }, [{ product_id: ids.soap, quantity: 1 }]);
    const replaced = readReplacedLedger(till.file, ids.till, 0);
    if (!replaced.readable) throw new Error(replaced.reason);
    expect(restored.importReplacedEvents(replaced.input)).toMatchObject({ imported: 2 });
    const journal = rawDb(restored).prepare('SELECT envelope FROM outbox ORDER BY seq').all() as { envelope: string }[];
    const envelopes = journal.map((row) => JSON.parse(row.envelope) as Record<string, unknown>);
    expect(verifyChain(envelopes as unknown as ChainedRecord[])).toBeNull();
    expect(envelopes.slice(-2).map((event) => event['event_id'])).toEqual(replaced.input.events.slice(-2).map((row) => row.envelope['event_id']));
    expect(restored.verifyLedger()).toEqual([]);
  });

  it('refuses the whole import when an event does not recompute or belongs to another till', () => {
    const { till, restored } = tillWithBackup();
    const replaced = readReplacedLedger(till.file, ids.till, 0);
    if (!replaced.readable) throw new Error(replaced.reason);
    const head = restored.chainHead();
    const last = replaced.input.events.length - 1;
    const tampered = replaced.input.events.map((row, index) => (index === last ? { ...row, envelope: { ...row.envelope, actor_id: ids.manager } } : row));
    expect(() => restored.importReplacedEvents({ ...replaced.input, events: tampered })).toThrow(expect.objectContaining({ code: 'invalid_input', field: `events.${last}.hash` }));
    rawDb(restored).prepare("UPDATE till_identity SET till_id = '01930000-0000-7000-8000-0000000000ee'").run();
    expect(() => restored.importReplacedEvents(replaced.input)).toThrow(expect.objectContaining({ field: 'events.0.till_id' }));
    expect(restored.chainHead()).toEqual(head);
    expect(readReplacedLedger(till.file, '01930000-0000-7000-8000-0000000000ee', 0)).toMatchObject({ readable: false, reason: expect.stringContaining('belongs to till') });
  });
});
