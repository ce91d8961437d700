/**
 * A ready till for ledger tests: a database file under the OS temp folder, an enrolled identity,
 * staff with real slow PIN hashes (computed once per test file), a small catalog and customers
 * pushed in through the server feed, and an open shift.
 */
import { rawDb } from '../src/ledger/raw-db.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock, PaymeError, SeededRandom, hashSecret, lineAmount, roundToShilling, uuidv7 } from '@payme/shared';
import { openLedger, type Ledger } from '../src/ledger/ledger.js';

export const ids = {
  till: '01930000-0000-7000-8000-000000000001',
  business: '01930000-0000-7000-8000-000000000002',
  store: '01930000-0000-7000-8000-000000000003',
  cashier: '01930000-0000-7000-8000-0000000000c1',
  manager: '01930000-0000-7000-8000-0000000000a1',
  sugar: '01930000-0000-7000-8000-0000000000f1', // by weight, price per kg, block
  soap: '01930000-0000-7000-8000-0000000000f2', // pieces, block
  bread: '01930000-0000-7000-8000-0000000000f3', // pieces, allow_with_override, exempt
  oil: '01930000-0000-7000-8000-0000000000f4', // by volume, allow_with_override
  wanjiku: '01930000-0000-7000-8000-0000000000d1', // credit limit KES 1,000
  otieno: '01930000-0000-7000-8000-0000000000d2', // no credit
};

export const pins = { cashier: '1111', manager: '2468' };

/**
 * The server's real PIN cost (scrypt N=2^14) takes 100 ms to seconds per check on a loaded
 * two-core machine, and the lockout tests check a PIN a dozen times. The stored format carries
 * its own cost, and the till verifies whatever cost the server chose, so tests store hashes at
 * a low cost: the same code path, in milliseconds. One test in staff.test.ts uses the real cost.
 */
export const test_pin_cost = { log2N: 8, r: 8, p: 1 };

let pinHashes: { cashier: string; manager: string } | undefined;
export function staffPinHashes(): { cashier: string; manager: string } {
  pinHashes ??= {
    cashier: hashSecret(pins.cashier, new SeededRandom(1), test_pin_cost),
    manager: hashSecret(pins.manager, new SeededRandom(2), test_pin_cost),
  };
  return pinHashes;
}

export const catalog = [
  { id: ids.sugar, name: 'Sugar loose', sku: 'SUG-1', barcode: '6001000000011', unit: 'gram', unit_price: 16_000, vat_class: 'standard', stock_policy: 'block' },
  { id: ids.soap, name: 'Geisha soap 225g', sku: 'SOAP-225', barcode: '6001000000028', unit: 'piece', unit_price: 9_950, vat_class: 'standard', stock_policy: 'block' },
  { id: ids.bread, name: 'Supaloaf bread 400g', sku: 'BRD-400', barcode: '6001000000035', unit: 'piece', unit_price: 6_500, vat_class: 'exempt', stock_policy: 'allow_with_override' },
  { id: ids.oil, name: 'Cooking oil loose', sku: 'OIL-L', barcode: '6001000000042', unit: 'millilitre', unit_price: 33_000, vat_class: 'zero_rated', stock_policy: 'allow_with_override' },
] as const;

export function catalogChanges() {
  const hashes = staffPinHashes();
  return [
    { cursor: '1', kind: 'staff' as const, id: ids.cashier, data: { name: 'Achieng', role: 'cashier', pin_hash: hashes.cashier } },
    { cursor: '2', kind: 'staff' as const, id: ids.manager, data: { name: 'Mwangi', role: 'manager', pin_hash: hashes.manager } },
    ...catalog.map((product, index) => ({
      cursor: String(3 + index),
      kind: 'product' as const,
      id: product.id,
      data: { name: product.name, sku: product.sku, barcode: product.barcode, unit: product.unit, price_cents: product.unit_price, vat_class: product.vat_class, stock_policy: product.stock_policy },
    })),
    { cursor: '10', kind: 'customer' as const, id: ids.wanjiku, data: { name: 'Wanjiku Kamau', phone: '254712345678', credit_limit_cents: 100_000 } },
    { cursor: '11', kind: 'customer' as const, id: ids.otieno, data: { name: 'Otieno Ouma', credit_limit_cents: 0 } },
  ];
}

export interface TestTill {
  ledger: Ledger;
  clock: ManualClock;
  random: SeededRandom;
  dir: string;
  file: string;
  /** A fresh UUIDv7 from the test's clock and random. */
  id(): string;
  reopen(): Ledger;
  cleanup(): void;
}

export interface TillOptions {
  seed?: number;
  /** Stock levels the server reports (per product id) in the first batch. */
  stock?: Partial<Record<string, number>>;
  openShift?: boolean;
}

export function tempDir(prefix = 'payme-ledger-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function createTestTill(options: TillOptions = {}): TestTill {
  const dir = tempDir();
  const file = path.join(dir, 'till.db');
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
  const random = new SeededRandom(options.seed ?? 42);
  let ledger = openLedger({ path: file, clock, random });
  ledger.setIdentity({ till_id: ids.till, business_id: ids.business, store_id: ids.store, receipt_prefix: 'T1', epoch: 1, server_public_key: 'ab'.repeat(32) });
  const stock = options.stock ?? { [ids.sugar]: 50_000, [ids.soap]: 20, [ids.bread]: 5, [ids.oil]: 10_000 };
  const levels = Object.entries(stock).map(([id, on_hand], index) => ({ cursor: String(20 + index), kind: 'stock_level' as const, id, data: { on_hand } }));
  ledger.applyServerBatch({ changes: [...catalogChanges(), ...levels], acked_seq: 0, cursor: '30' });
  const till: TestTill = {
    get ledger() {
      return ledger;
    },
    clock,
    random,
    dir,
    file,
    id: () => uuidv7(clock, random),
    reopen() {
      ledger.close();
      ledger = openLedger({ path: file, clock, random });
      return ledger;
    },
    cleanup() {
      try {
        ledger.close();
      } catch {
        // already closed by the test
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.openShift !== false) ledger.openShift(ids.cashier, { command_id: till.id(), shift_id: till.id(), float: 500_000 });
  return till;
}

/** The payable total of undiscounted catalog lines, computed independently of the ledger. */
export function expectedTotal(lines: readonly { product_id: string; quantity: number }[]): number {
  const sum = lines.reduce((total, line) => {
    const product = catalog.find((item) => item.id === line.product_id);
    if (product === undefined) throw new Error(`no catalog product ${line.product_id}`);
    return total + lineAmount(product.unit_price, line.quantity, product.unit);
  }, 0);
  return roundToShilling(sum).payable;
}

/** A cash sale of catalog lines, paying exactly. */
export function cashSale(till: TestTill, lines: { product_id: string; quantity: number }[], actor: string = ids.cashier) {
  const total = expectedTotal(lines);
  return till.ledger.completeSale(actor, {
    command_id: till.id(),
    sale_id: till.id(),
    lines,
    tenders: [{ kind: 'cash', amount: total, tendered: total }],
  });
}

/**
 * A fingerprint of every row of every table (FTS shadow tables excluded: they follow products by
 * trigger). Two equal fingerprints mean nothing was written in between.
 */
export function snapshot(ledger: Ledger): string {
  const db = rawDb(ledger);
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'products_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  const hash = createHash('sha256');
  for (const { name } of tables) hash.update(`${name}:${JSON.stringify(db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).raw().all())}\n`);
  return hash.digest('hex');
}

/** The typed error a command threw; fails the test when it returned or threw something else. */
export function refusal(run: () => unknown): PaymeError {
  try {
    run();
  } catch (error) {
    if (error instanceof PaymeError) return error;
    throw error;
  }
  throw new Error('expected the command to be refused');
}

/** `refusal` for an async operation: the typed error it rejected with. */
export async function asyncRefusal(promise: Promise<unknown>): Promise<PaymeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PaymeError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}
