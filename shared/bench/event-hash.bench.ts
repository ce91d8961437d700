/**
 * event-hash: cost of the event envelope hash of DESIGN §5 (RFC 8785 canonical JSON + SHA-256,
 * `recordHash`) over 10,000 realistic sale envelopes, against a baseline measured in the same
 * run over the same objects: bare `JSON.stringify` + @noble/hashes SHA-256. The ratio is the
 * price of canonicalisation (p50 per-op latency, ours / baseline).
 *
 * Per-op latency is measured per batch (a single hash is below the timer's resolution): each
 * batch is timed for both functions back to back, so machine noise hits both alike.
 * Prints one JSON line (DESIGN §10).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { ManualClock, SeededRandom, isoAt, recordHash, uuidv7 } from '../src/index.js';

const n = 10_000;
const batch_size = 100;
const warmup_ops = 2_000;

const clock = new ManualClock(Date.UTC(2026, 5, 1, 7, 0, 0));
const random = new SeededRandom(20260601);
const till_id = uuidv7(clock, random);
const cashier_id = uuidv7(clock, random);
const products = Array.from({ length: 200 }, (_, index) => ({
  product_id: uuidv7(clock, random),
  name: `Product ${index} ${['Unga 2kg', 'Sugar loose', 'Cooking oil 1L', 'Bread 400g', 'Milk 500ml'][index % 5]}`,
  unit: (['piece', 'gram', 'millilitre'] as const)[index % 3],
  unit_price_cents: random.int(1, 500_000),
  vat_class: (['standard', 'exempt', 'zero_rated'] as const)[index % 3],
}));

/** A sale_completed envelope like the till appends: a few lines, one or two tenders. */
function saleEnvelope(seq: number): Record<string, unknown> {
  clock.advance(random.int(5_000, 90_000));
  const lines = Array.from({ length: random.int(1, 8) }, () => {
    const product = products[random.int(0, products.length - 1)]!;
    const quantity = product.unit === 'piece' ? random.int(1, 5) : random.int(100, 2_000);
    const amount_cents = product.unit === 'piece' ? product.unit_price_cents * quantity : Math.round((product.unit_price_cents * quantity) / 1000);
    return { ...product, quantity, amount_cents, discount_cents: 0 };
  });
  const total_cents = lines.reduce((sum, line) => sum + line.amount_cents, 0);
  const payable_cents = Math.round(total_cents / 100) * 100;
  const tenders = random.int(0, 1) === 0
    ? [{ kind: 'cash', amount_cents: payable_cents + 5_000, change_cents: 5_000 }]
    : [{ kind: 'mpesa', amount_cents: payable_cents, payment_id: uuidv7(clock, random), receipt: 'SGH3X9K2LM' }];
  return {
    event_id: uuidv7(clock, random),
    till_id,
    seq,
    type: 'sale_completed',
    v: 1,
    occurred_at: isoAt(clock.now()),
    actor_id: cashier_id,
    payload: {
      sale_id: uuidv7(clock, random),
      receipt_no: `T3-${String(seq).padStart(6, '0')}`,
      shift_id: till_id,
      lines,
      total_cents,
      rounding_cents: payable_cents - total_cents,
      payable_cents,
      tenders,
      customer_id: null,
    },
    prev_hash: bytesToHex(random.bytes(32)),
  };
}

const envelopes = Array.from({ length: n }, (_, index) => saleEnvelope(index + 1));

function baselineHash(record: Record<string, unknown>): string {
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(record))));
}

// Both results feed a checksum so no engine can drop the work as dead code.
let checksum = 0;
function timeBatch(hash: (record: Record<string, unknown>) => string, from: number, to: number): number {
  const started = performance.now();
  for (let index = from; index < to; index += 1) checksum += hash(envelopes[index]!).charCodeAt(0);
  return performance.now() - started;
}

for (let index = 0; index < warmup_ops; index += batch_size) {
  timeBatch(recordHash, index, index + batch_size);
  timeBatch(baselineHash, index, index + batch_size);
}

const ours: number[] = [];
const baseline: number[] = [];
for (let from = 0; from < n; from += batch_size) {
  const to = Math.min(n, from + batch_size);
  ours.push(timeBatch(recordHash, from, to) / (to - from));
  baseline.push(timeBatch(baselineHash, from, to) / (to - from));
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const round = (value: number, digits = 4) => Number(value.toFixed(digits));
const opsPerSecond = (per_op_ms: number[]) => Math.round((1000 * per_op_ms.length) / per_op_ms.reduce((sum, ms) => sum + ms, 0));

const p50 = quantile(ours, 0.5);
const baseline_p50 = quantile(baseline, 0.5);
process.stderr.write(`event-hash: checksum ${checksum}, ${n} envelopes, mean ${Math.round(JSON.stringify(envelopes).length / n)} bytes of JSON each\n`);
process.stdout.write(
  `${JSON.stringify({
    bench: 'event-hash',
    scenario: 'node',
    n,
    batch_size,
    p50_ms: round(p50),
    p95_ms: round(quantile(ours, 0.95)),
    p99_ms: round(quantile(ours, 0.99)),
    ops_per_s: opsPerSecond(ours),
    baseline: { name: 'JSON.stringify+sha256', p50_ms: round(baseline_p50), p99_ms: round(quantile(baseline, 0.99)), ops_per_s: opsPerSecond(baseline) },
    ratio: round(p50 / baseline_p50, 3),
    ratio_of: 'p50_ms',
  })}\n`,
);
