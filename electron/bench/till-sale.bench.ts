/**
 * till-sale: 2,000 five-line sales through the ledger (stock check and movements, tenders, shift
 * money, receipt number, outbox event with hash chain, idempotency row), against a baseline in
 * the same run: the same rows written by a bare better-sqlite3 transaction with no domain code,
 * run alternately with the ledger, sale by sale, on its own database.
 * Scenarios: `file-wal-full` (on disk, WAL, synchronous=FULL; the fsync share is measured by
 * repeating the ledger run with synchronous=OFF) and `memory` (the cost of the domain code alone).
 * Prints one JSON line per scenario on stdout; progress goes to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { ManualClock, SeededRandom, hashSecret, lineAmount, roundToShilling, sha256Hex, uuidv7 } from '@payme/shared';
import { openLedger, type Ledger } from '../src/ledger/ledger.js';
import { migrate } from '../src/ledger/migrations.js';
import { wal_autocheckpoint_backstop_pages } from '../src/ledger/idle-checkpoint.js';

const sales_n = 2_000;
const warmup_n = 100;
const lines_per_sale = 5;
const products_n = 200;
const ids = { till: '01930000-0000-7000-8000-000000000001', cashier: '01930000-0000-7000-8000-0000000000c1' };

interface Product {
  id: string;
  price: number;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number(sorted[Math.max(0, index)]!.toFixed(4));
}

function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = samples.reduce((sum, ms) => sum + ms, 0);
  return { p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95), p99_ms: percentile(sorted, 99), ops_per_s: Math.round((samples.length / total) * 1000) };
}

function makeProducts(random: SeededRandom): Product[] {
  return Array.from({ length: products_n }, (_, i) => ({ id: uuidv7({ now: () => 1_700_000_000_000 + i }, random), price: random.int(1, 5_000) * 50 }));
}

function openBenchLedger(file: string, synchronous: 'FULL' | 'OFF', products: Product[]): { ledger: Ledger; clock: ManualClock; random: SeededRandom } {
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
  const random = new SeededRandom(11);
  const ledger = openLedger({ path: file, clock, random, synchronous });
  ledger.setIdentity({ till_id: ids.till, business_id: uuidv7(clock, random), store_id: uuidv7(clock, random), receipt_prefix: 'T1', epoch: 1, server_public_key: 'ab'.repeat(32) });
  const changes = [
    { cursor: '1', kind: 'staff', id: ids.cashier, data: { name: 'Achieng', role: 'cashier', pin_hash: hashSecret('1111', random, { log2N: 4, r: 1, p: 1 }) } },
    ...products.flatMap((product, i) => [
      { cursor: `p${i}`, kind: 'product', id: product.id, data: { name: `Product ${i}`, sku: `SKU-${i}`, barcode: String(6_001_000_000_000 + i), unit: 'piece', price_cents: product.price, vat_class: i % 3 === 0 ? 'exempt' : 'standard', stock_policy: 'block' } },
      { cursor: `s${i}`, kind: 'stock_level', id: product.id, data: { on_hand: 1_000_000 } },
    ]),
  ];
  ledger.applyServerBatch({ changes, acked_seq: 0, cursor: 'bench' });
  ledger.openShift(ids.cashier, { command_id: uuidv7(clock, random), shift_id: uuidv7(clock, random), float: 100_000 });
  return { ledger, clock, random };
}

function saleLines(products: Product[], random: SeededRandom) {
  const picked = new Set<number>();
  while (picked.size < lines_per_sale) picked.add(random.int(0, products.length - 1));
  return [...picked].map((index) => ({ product: products[index]!, quantity: random.int(1, 5) }));
}

/** Opens a ledger for the run and returns one timed sale per call, then `finish` to verify and close. */
function ledgerRunner(file: string, synchronous: 'FULL' | 'OFF', products: Product[]): { step: () => number; finish: () => void } {
  const { ledger, clock, random } = openBenchLedger(file, synchronous, products);
  return {
    step: () => {
      clock.advance(2_000);
      const lines = saleLines(products, random);
      const total = roundToShilling(lines.reduce((sum, line) => sum + lineAmount(line.product.price, line.quantity, 'piece'), 0)).payable;
      const input = {
        command_id: uuidv7(clock, random),
        sale_id: uuidv7(clock, random),
        lines: lines.map((line) => ({ product_id: line.product.id, quantity: line.quantity })),
        tenders: [{ kind: 'cash', amount: total, tendered: total + 10_000 }],
      };
      const start = performance.now();
      ledger.completeSale(ids.cashier, input);
      return performance.now() - start;
    },
    finish: () => {
      if (ledger.verifyLedger().length !== 0) throw new Error('the benchmark ledger does not verify');
      ledger.close();
    },
  };
}

/**
 * The same rows a sale writes (outbox, command, sale, 5 lines, tender, 5 movements and product
 * updates, shift entry, receipt counter), with every value prepared before timing starts.
 */
function baselineRunner(file: string, synchronous: 'FULL' | 'OFF', products: Product[]): { step: () => number; finish: () => void } {
  const db = new Database(file);
  // The ledger connection's settings, WAL checkpoint backstop included; the idle checkpoint is
  // the ledger's own (and never runs inside this synchronous loop either).
  if (file !== ':memory:') {
    db.pragma('journal_mode = WAL');
    db.pragma(`wal_autocheckpoint = ${wal_autocheckpoint_backstop_pages}`);
  }
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  migrate(db);
  const insertProduct = db.prepare("INSERT INTO products (product_id, name, unit, unit_price, vat_class, stock_policy, server_level, on_hand) VALUES (?, ?, 'piece', ?, 'standard', 'block', 1000000, 1000000)");
  products.forEach((product, i) => insertProduct.run(product.id, `Product ${i}`, product.price));
  const random = new SeededRandom(11);
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
  const statements = {
    outbox: db.prepare('INSERT INTO outbox (seq, event_id, type, occurred_at, command_id, prev_hash, hash, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    command: db.prepare('INSERT INTO commands (command_id, name, input_hash, result, seq) VALUES (?, ?, ?, ?, ?)'),
    sale: db.prepare('INSERT INTO sales (sale_id, receipt_no, seq, occurred_at, business_date, shift_id, customer_id, actor_id, total, payload) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)'),
    line: db.prepare('INSERT INTO sale_lines (line_id, sale_id, product_id, quantity, gross) VALUES (?, ?, ?, ?, ?)'),
    tender: db.prepare('INSERT INTO sale_tenders (sale_id, kind, amount) VALUES (?, ?, ?)'),
    movement: db.prepare("INSERT INTO stock_movements (seq, product_id, delta, kind) VALUES (?, ?, ?, 'sale')"),
    onHand: db.prepare('UPDATE products SET on_hand = on_hand + ? WHERE product_id = ?'),
    shift: db.prepare("INSERT INTO shift_entries (seq, shift_id, tender, kind, amount) VALUES (?, 'shift', 'cash', 'sale', ?)"),
    receipt: db.prepare('UPDATE sync_state SET receipt_next = ? WHERE id = 1'),
  };
  const placeholderOutbox = db.prepare("INSERT INTO outbox (seq, event_id, type, occurred_at, command_id, prev_hash, hash, envelope) VALUES (1, 'e0', 'shift_opened', 'x', 'c0', 'x', 'x', '{}')");
  placeholderOutbox.run();
  db.prepare("INSERT INTO shifts (shift_id, opened_by, opened_seq, opened_at, float) VALUES ('shift', ?, 1, '2026-11-26T06:00:00.000Z', 0)").run(ids.cashier);
  // Every value is computed here, outside the timed region.
  const prepared = Array.from({ length: warmup_n + sales_n }, (_, i) => {
    const lines = saleLines(products, random).map((line) => ({ ...line, line_id: uuidv7(clock, random) }));
    const envelope = JSON.stringify({ seq: i + 2, lines: lines.map((line) => [line.product.id, line.quantity, line.product.price]) }).padEnd(2_200, ' ');
    return { seq: i + 2, id: uuidv7(clock, random), command_id: uuidv7(clock, random), sale_id: uuidv7(clock, random), hash: sha256Hex(envelope), envelope, lines };
  });
  const write = db.transaction((sale: (typeof prepared)[number]) => {
    statements.outbox.run(sale.seq, sale.id, 'sale_completed', '2026-11-26T06:00:00.000Z', sale.command_id, sale.hash, sale.hash, sale.envelope);
    statements.sale.run(sale.sale_id, `T1-${sale.seq}`, sale.seq, '2026-11-26T06:00:00.000Z', '2026-11-26', 'shift', ids.cashier, 1_000, sale.envelope);
    for (const line of sale.lines) {
      statements.line.run(line.line_id, sale.sale_id, line.product.id, line.quantity, line.product.price);
      statements.movement.run(sale.seq, line.product.id, -line.quantity);
      statements.onHand.run(-line.quantity, line.product.id);
    }
    statements.tender.run(sale.sale_id, 'cash', 1_000);
    statements.shift.run(sale.seq, 1_000);
    statements.receipt.run(sale.seq + 1);
    statements.command.run(sale.command_id, 'completeSale', sale.hash, '{"sale_id":"x","receipt_no":"T1-000001","total":1000,"change":0}', sale.seq);
  });
  let next = 0;
  return {
    step: () => {
      const sale = prepared[next];
      if (sale === undefined) throw new Error('the baseline ran out of prepared sales');
      next += 1;
      const start = performance.now();
      write.immediate(sale);
      return performance.now() - start;
    },
    finish: () => db.close(),
  };
}

/**
 * Runs the ledger and its baseline sale by sale, alternately, each on its own database: both see
 * the same machine state (a shared machine's load and the disk's cache drift during a run, and
 * running one after the other let that drift land on one side only). Warm-up sales are dropped.
 */
function runPair(dir: string, name: string, synchronous: 'FULL' | 'OFF', products: Product[]): { ledger: number[]; baseline: number[] } {
  const file = (kind: string) => (dir === ':memory:' ? ':memory:' : path.join(dir, `${name}-${kind}.db`));
  const ledger = ledgerRunner(file('ledger'), synchronous, products);
  const baseline = baselineRunner(file('baseline'), synchronous, products);
  const samples = { ledger: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < warmup_n + sales_n; i += 1) {
    // Alternate which goes first, so neither always runs right after the other's fsync.
    const first = i % 2 === 0;
    const a = first ? ledger.step() : baseline.step();
    const b = first ? baseline.step() : ledger.step();
    if (i < warmup_n) continue;
    samples.ledger.push(first ? a : b);
    samples.baseline.push(first ? b : a);
  }
  ledger.finish();
  baseline.finish();
  return samples;
}

function main(): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'payme-bench-sale-'));
  try {
    const products = makeProducts(new SeededRandom(3));
    process.stderr.write('till-sale: file-wal-full, ledger and baseline alternately…\n');
    const fullPair = runPair(dir, 'full', 'FULL', products);
    const full = summarize(fullPair.ledger);
    const fullBase = summarize(fullPair.baseline);
    process.stderr.write('till-sale: synchronous=OFF (fsync share)…\n');
    const off = summarize(runPair(dir, 'off', 'OFF', products).ledger);
    process.stderr.write('till-sale: memory…\n');
    const memoryPair = runPair(':memory:', 'memory', 'FULL', products);
    const memory = summarize(memoryPair.ledger);
    const memoryBase = summarize(memoryPair.baseline);
    const line = (scenario: string, figures: ReturnType<typeof summarize>, baseline: ReturnType<typeof summarize>, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ bench: 'till-sale', scenario, n: sales_n, lines_per_sale, ...figures, baseline, ratio: Number((figures.p50_ms / baseline.p50_ms).toFixed(3)), ...extra });
    const fsync_share = Number(Math.max(0, (full.p50_ms - off.p50_ms) / full.p50_ms).toFixed(3));
    process.stdout.write(`${line('file-wal-full', full, fullBase, { fsync_share, sync_off: off })}\n`);
    process.stdout.write(`${line('memory', memory, memoryBase)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
