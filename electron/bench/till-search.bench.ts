/**
 * till-search: 50,000 products; prefix search, word search and exact barcode lookup through the
 * ledger, against a baseline in the same run: the bare FTS5 MATCH and the bare index lookup on
 * the same database with the match text prepared in advance. Prints one JSON line per scenario
 * (prefix, word, barcode) with p99s, the ratio to the baseline, database size and peak memory.
 */
import { rawDb } from '../src/ledger/raw-db.js';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock, SeededRandom, uuidv7 } from '@payme/shared';
import { openLedger } from '../src/ledger/ledger.js';
import { ftsQuery, product_search_sql } from '../src/ledger/queries.js';

const products_n = 50_000;
const queries_n = 2_000;
const warmup_n = 200;
const batch_changes_max = 5_000;

const brands = ['Kimbo', 'Geisha', 'Menengai', 'Royco', 'Ketepa', 'Brookside', 'Jogoo', 'Pembe', 'Soko', 'Mumias', 'Kabras', 'Daawat', 'Elianto', 'Fresh Fri', 'Omo', 'Sunlight', 'Colgate', 'Always', 'Dettol', 'Ariel', 'Tuzo', 'Blue Band', 'Pishori', 'Festive', 'Supaloaf', 'Nice & Lovely', 'Zesta', 'Highlands', 'Dasani', 'Coca-Cola'];
const goods = ['cooking fat', 'soap', 'maize flour', 'wheat flour', 'tea leaves', 'milk', 'sugar', 'rice', 'cooking oil', 'detergent', 'toothpaste', 'pads', 'antiseptic', 'margarine', 'bread', 'jam', 'water', 'soda', 'juice', 'biscuits', 'salt', 'matches', 'candles', 'batteries', 'nails', 'paint', 'fertilizer', 'seeds', 'pesticide', 'rope'];
const sizes = ['100g', '250g', '500g', '1kg', '2kg', '5kg', '10kg', '250ml', '500ml', '1l', '2l', '5l', 'small', 'large', 'family'];

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number(sorted[Math.max(0, index)]!.toFixed(4));
}

function time(inputs: readonly string[], run: (input: string) => unknown): { p50_ms: number; p99_ms: number; ops_per_s: number } {
  const samples: number[] = [];
  inputs.forEach((input, i) => {
    const start = performance.now();
    run(input);
    const elapsed = performance.now() - start;
    if (i >= warmup_n) samples.push(elapsed);
  });
  const sorted = samples.sort((a, b) => a - b);
  const total = samples.reduce((sum, ms) => sum + ms, 0);
  return { p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99), ops_per_s: Math.round((samples.length / total) * 1000) };
}

function main(): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'payme-bench-search-'));
  const file = path.join(dir, 'till.db');
  try {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
    const random = new SeededRandom(5);
    const ledger = openLedger({ path: file, clock, random });
    const names: string[] = [];
    const barcodes: string[] = [];
    process.stderr.write(`till-search: loading ${products_n} products…\n`);
    for (let offset = 0; offset < products_n; offset += batch_changes_max) {
      const changes = Array.from({ length: Math.min(batch_changes_max, products_n - offset) }, (_, j) => {
        const i = offset + j;
        const name = `${brands[random.int(0, brands.length - 1)]} ${goods[random.int(0, goods.length - 1)]} ${sizes[random.int(0, sizes.length - 1)]} ${i}`;
        const barcode = String(6_000_000_000_000 + random.int(0, 999_999_999_999)).padStart(13, '0');
        names.push(name);
        barcodes.push(barcode);
        return { cursor: String(i), kind: 'product', id: uuidv7(clock, random), data: { name, sku: `SKU-${i}`, barcode, unit: 'piece', price_cents: random.int(1, 10_000) * 50, vat_class: 'standard', stock_policy: 'block' } };
      });
      ledger.applyServerBatch({ changes, acked_seq: 0, cursor: String(offset) });
    }
    rawDb(ledger).pragma('wal_checkpoint(TRUNCATE)');
    const db_bytes = statSync(file).size;
    const pick = <T>(list: readonly T[]) => list[random.int(0, list.length - 1)]!;
    const wordOf = (name: string) => pick(name.split(' ').filter((word) => /^[A-Za-z]{3,}$/.test(word)));
    const n = warmup_n + queries_n;
    const inputs = {
      // What a cashier types: the first 2–4 letters of one or two words ("kim", "geis so").
      prefix: Array.from({ length: n }, () => {
        const words = pick(names).split(' ');
        return words.slice(0, random.int(1, 2)).map((word) => word.slice(0, random.int(2, 4))).join(' ');
      }),
      word: Array.from({ length: n }, () => wordOf(pick(names))),
      barcode: Array.from({ length: n }, () => pick(barcodes)),
    };
    // The same SQL the ledger runs, with the match text built before timing: what is left to
    // measure in the ledger's figure is input validation, query building and record mapping.
    const bareSearch = rawDb(ledger).prepare(product_search_sql);
    const bareBarcode = rawDb(ledger).prepare('SELECT * FROM products WHERE barcode = ? AND active = 1 LIMIT 1');
    const peakRss = () => process.resourceUsage().maxRSS * 1024;
    for (const scenario of ['prefix', 'word', 'barcode'] as const) {
      process.stderr.write(`till-search: ${scenario}…\n`);
      const list = inputs[scenario];
      let figures;
      let baseline;
      if (scenario === 'barcode') {
        figures = time(list, (barcode) => ledger.lookupBarcode({ barcode }));
        baseline = time(list, (barcode) => bareBarcode.get(barcode));
      } else {
        const matches = list.map((text) => ftsQuery(text) ?? '""');
        figures = time(list, (query) => ledger.searchProducts({ query }));
        baseline = time(matches, (match) => bareSearch.all({ match, limit: 20 }));
      }
      const ratio = Number((figures.p99_ms / baseline.p99_ms).toFixed(3));
      const out: Record<string, unknown> = { bench: 'till-search', scenario, n: queries_n, products: products_n, ...figures, baseline, ratio, db_bytes, peak_rss_bytes: peakRss() };
      if (scenario === 'barcode') out['barcode_p99_ms'] = figures.p99_ms;
      process.stdout.write(`${JSON.stringify(out)}\n`);
    }
    ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
