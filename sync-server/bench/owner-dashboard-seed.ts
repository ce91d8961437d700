/**
 * The owner-dashboard benchmark's shop (issue 13): one business, 3 stores, 20 tills, 90 business
 * days of sales with `lines_total` sale lines (5 a sale on average), some on credit, and credit
 * payments. Pushing a million lines through the real push path would take far too long, so:
 * - the till events are built here as the tills build them (shared's pricing, VAT split and
 *   rounding, uuidv7 ids, each till's hash chain) and inserted in bulk (unnest);
 * - sales, sale lines, tenders, credit entries and balances are projected from those stored
 *   envelopes in bulk SQL, column for column as ingest/project-sales.ts and project-ledgers.ts
 *   write them (shifts, stock movements, M-Pesa claims and audit entries of the history are not
 *   seeded: no benchmarked read touches them);
 * - the rollups are then computed by the server's own `payme-server rollups rebuild` code path
 *   (rebuildRollups), and checked against the raw rows, so they hold what the push's finishing
 *   step would have produced.
 * Nothing is cached on disk between runs.
 */
import { ManualClock, SeededRandom, genesis_hash, isoAt, lineAmount, recordHash, roundToShilling, splitVat, uuidv7, type QuantityUnit, type VatClass } from '@payme/shared';
import type { Db } from '../src/db/db.js';
import { addProducts, addStaff } from '../src/setup/business-setup.js';
import { createEnrollmentCode, enrollTill } from '../src/auth/enrollment.js';
import { rebuildRollups } from '../src/reports/rollup-catch-up.js';
import { createTestBusiness, type TestApp, type TestBusiness } from '../test/support/index.js';
import { progress } from './ingest-bench-setup.js';

export const seed_days = 90;
export const seed_tills = 20;
export const seed_stores = 3;
const seed_cashiers = 12;
const seed_products = 200;
const seed_customers = 300;
/** Line counts of consecutive sales: 5 on average. */
const lines_cycle = [3, 7, 5, 4, 6] as const;
/** Opening hours, local time (Africa/Nairobi, UTC+3, no daylight saving). */
const open_hour = 7;
const close_hour = 21;
const nairobi_offset_ms = 3 * 3_600_000;
const day_ms = 86_400_000;

interface SeedProduct {
  id: string;
  name: string;
  price_cents: number;
  unit: QuantityUnit;
  vat_class: VatClass;
}

/** One till's producer state: its chain continues in the live scenario's pushes. */
export class SeedTill {
  seq = 0;
  head = genesis_hash;
  receipt = 0;
  readonly clock = new ManualClock(0);
  readonly random: SeededRandom;

  constructor(
    readonly till_id: string,
    readonly store_id: string,
    readonly receipt_prefix: string,
    readonly device_token: string,
    readonly cashiers: readonly [string, string],
    seed: number,
  ) {
    this.random = new SeededRandom(seed);
  }

  private id(atMs: number): string {
    this.clock.set(Math.max(this.clock.now() + 1, atMs));
    return uuidv7(this.clock, this.random);
  }

  event(type: string, payload: (id: () => string) => Record<string, unknown>, atMs: number, actor: string): Record<string, unknown> & { seq: number; event_id: string; hash: string } {
    this.seq += 1;
    const eventId = this.id(atMs);
    const body: Record<string, unknown> = {
      event_id: eventId,
      till_id: this.till_id,
      seq: this.seq,
      type,
      v: 1,
      occurred_at: isoAt(atMs),
      actor_id: actor,
      payload: payload(() => this.id(atMs)),
      prev_hash: this.head,
    };
    const hash = recordHash(body);
    this.head = hash;
    return { ...body, hash } as Record<string, unknown> & { seq: number; event_id: string; hash: string };
  }

  /** A sale of `count` lines, as the till's pricing builds it. */
  sale(products: readonly SeedProduct[], index: number, count: number, tender: { kind: 'cash' | 'mpesa' | 'credit'; customer_id?: string; claim_code?: string }, atMs: number, actor: string) {
    return this.event(
      'sale_completed',
      (id) => {
        const lines = Array.from({ length: count }, (_, n) => {
          const product = products[(index * 31 + n * 17 + this.seq) % products.length] as SeedProduct;
          const quantity = product.unit === 'piece' ? 1 + ((index + n) % 4) : 250 * (1 + ((index + n) % 6));
          const gross = lineAmount(product.price_cents, quantity, product.unit);
          const { vat, net } = splitVat(gross, product.vat_class);
          return { line_id: id(), product_id: product.id, name: product.name, unit: product.unit, quantity, unit_price: product.price_cents, discount: 0, gross, vat_class: product.vat_class, vat, net };
        });
        const subtotal = lines.reduce((total, line) => total + line.gross, 0);
        const { payable, rounding } = roundToShilling(subtotal);
        this.receipt += 1;
        const tenderRow: Record<string, unknown> = { kind: tender.kind, amount: payable };
        if (tender.claim_code !== undefined) tenderRow['claim_code'] = tender.claim_code;
        return {
          sale_id: id(),
          receipt_no: `${this.receipt_prefix}-${String(this.receipt).padStart(6, '0')}`,
          ...(tender.customer_id !== undefined ? { customer_id: tender.customer_id } : {}),
          lines,
          subtotal,
          discount: 0,
          vat_total: lines.reduce((total, line) => total + line.vat, 0),
          rounding,
          total: payable,
          tenders: [tenderRow],
        };
      },
      atMs,
      actor,
    );
  }
}

export interface SeededShop {
  business: TestBusiness;
  tills: SeedTill[];
  products: SeedProduct[];
  customers: string[];
  today: string;
  sales: number;
  lines: number;
  events: number;
}

/** The business day `offset` days from `day` (YYYY-MM-DD). */
function addDay(day: string, offset: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + offset * day_ms).toISOString().slice(0, 10);
}

async function createShop(t: TestApp): Promise<{ business: TestBusiness; stores: string[]; tills: SeedTill[]; products: SeedProduct[]; customers: string[] }> {
  const { deps } = t;
  const business = await createTestBusiness(deps, { name: 'Bench duka' });
  const zone = await deps.db.query<{ time_zone: string; business_day_cutoff: string }>('SELECT time_zone, business_day_cutoff FROM businesses WHERE id = $1', [business.business_id]);
  if (zone[0]?.time_zone !== 'Africa/Nairobi' || zone[0]?.business_day_cutoff !== '00:00') throw new Error('the seed assumes Africa/Nairobi with a 00:00 cutoff');
  const now = isoAt(deps.clock.now());
  const stores = [business.store_id];
  for (let s = 1; s < seed_stores; s += 1) {
    const id = uuidv7(deps.clock, deps.random);
    await deps.db.query('INSERT INTO stores (id, business_id, name, created_at) VALUES ($1, $2, $3, $4)', [id, business.business_id, `Store ${s + 1}`, now]);
    stores.push(id);
  }
  const { cashiers, products } = await deps.db.transaction(async (tx) => {
    const cashierIds: string[] = [];
    for (let c = 0; c < seed_cashiers; c += 1) cashierIds.push(await addStaff(tx, deps, business.business_id, { name: `Cashier ${c + 1}`, role: 'cashier', pin: String(1000 + c) }));
    const vatClasses: VatClass[] = ['standard', 'standard', 'standard', 'standard', 'standard', 'standard', 'standard', 'exempt', 'exempt', 'zero_rated'];
    const made = await addProducts(
      tx,
      deps,
      business.business_id,
      Array.from({ length: seed_products }, (_, p) => {
        const unit: QuantityUnit = p % 10 === 3 ? 'gram' : 'piece';
        const price = 2_000 + ((p * 7_919) % 198_000);
        return { name: `Product ${p + 1}`, sku: `BENCH-${p + 1}`, barcode: null, price_cents: price, cost_cents: p % 20 === 5 ? null : Math.round(price * 0.8), vat_class: vatClasses[p % vatClasses.length] as VatClass, unit, stock_policy: 'allow_with_override' as const };
      }),
    );
    return { cashiers: cashierIds, products: made };
  });
  const customers: string[] = [];
  for (let c = 0; c < seed_customers; c += 1) customers.push(uuidv7(deps.clock, deps.random));
  await deps.db.query(
    `INSERT INTO customers (id, business_id, name, phone, credit_limit_cents, active, created_at, updated_at)
     SELECT id, $1, 'Customer ' || n, '2547' || lpad(n::text, 8, '0'), 500000 + (n % 7) * 1000000, true, $3, $3
       FROM unnest($2::uuid[]) WITH ORDINALITY AS x(id, n)`,
    [business.business_id, customers, now],
  );
  // Stocked shelves, as in a shop: the live pushes do not drive levels below zero.
  await deps.db.query(
    `INSERT INTO stock_levels (business_id, store_id, product_id, on_hand, updated_at)
     SELECT $1, s.id, p.id, 100000000, $2 FROM products p CROSS JOIN stores s WHERE p.business_id = $1 AND s.business_id = $1`,
    [business.business_id, now],
  );
  const tills: SeedTill[] = [];
  const cashierPair = (index: number): [string, string] => [cashiers[(2 * index) % seed_cashiers] as string, cashiers[(2 * index + 1) % seed_cashiers] as string];
  tills.push(new SeedTill(business.till.id, business.store_id, business.till.receipt_prefix, business.till.device_token, cashierPair(0), 1));
  for (let i = 1; i < seed_tills; i += 1) {
    const store = stores[i % seed_stores] as string;
    const code = await deps.db.transaction((tx) => createEnrollmentCode(tx, deps, business.business_id, store, business.owner.id));
    const till = await enrollTill(deps, code.code, `Till ${i + 1}`);
    tills.push(new SeedTill(till.till_id, store, till.receipt_prefix, till.device_token, cashierPair(i), 1 + i));
  }
  return { business, stores, tills, products: products.map(({ id, name, price_cents, unit, vat_class }) => ({ id, name, price_cents, unit: unit as QuantityUnit, vat_class: vat_class as VatClass })), customers };
}

const insert_events = `INSERT INTO till_events (business_id, till_id, seq, event_id, type, v, epoch, prev_hash, hash, status, envelope, received_at)
  SELECT $1, $2, x.seq, x.event_id, x.type, 1, 1, x.prev_hash, x.hash, 'applied', x.envelope, x.received_at
    FROM unnest($3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::json[], $9::timestamptz[]) AS x(seq, event_id, type, prev_hash, hash, envelope, received_at)`;

/** The projections of one till's stored events, as the push writes them (see the file comment). */
const project_sql = [
  `INSERT INTO sales (business_id, sale_id, store_id, till_id, status, receipt_no, customer_id, cashier_id, subtotal_cents, discount_cents, vat_cents,
                      rounding_cents, total_cents, credit_cents, event_id, occurred_at, received_at, sold_at, completed_event_id)
   SELECT e.business_id, (p->>'sale_id')::uuid, t.store_id, e.till_id, 'completed', p->>'receipt_no', (p->>'customer_id')::uuid, (e.envelope->>'actor_id')::uuid,
          (p->>'subtotal')::bigint, (p->>'discount')::bigint, (p->>'vat_total')::bigint, (p->>'rounding')::bigint, (p->>'total')::bigint,
          COALESCE((SELECT sum((x.v->>'amount')::bigint) FROM json_array_elements(p->'tenders') AS x(v) WHERE x.v->>'kind' = 'credit'), 0),
          e.event_id, (e.envelope->>'occurred_at')::timestamptz, e.received_at, (e.envelope->>'occurred_at')::timestamptz, e.event_id
     FROM till_events e JOIN tills t ON t.business_id = e.business_id AND t.id = e.till_id CROSS JOIN LATERAL (SELECT e.envelope->'payload' AS p) q
    WHERE e.business_id = $1 AND e.till_id = $2 AND e.type = 'sale_completed'`,
  `INSERT INTO sale_lines (business_id, sale_id, line_no, line_id, product_id, name, unit, quantity, unit_price_cents, discount_cents, gross_cents, vat_class, vat_cents, net_cents)
   SELECT e.business_id, (e.envelope->'payload'->>'sale_id')::uuid, l.n::int, (l.x->>'line_id')::uuid, (l.x->>'product_id')::uuid, l.x->>'name', l.x->>'unit',
          (l.x->>'quantity')::bigint, (l.x->>'unit_price')::bigint, (l.x->>'discount')::bigint, (l.x->>'gross')::bigint, l.x->>'vat_class', (l.x->>'vat')::bigint, (l.x->>'net')::bigint
     FROM till_events e CROSS JOIN LATERAL json_array_elements(e.envelope->'payload'->'lines') WITH ORDINALITY AS l(x, n)
    WHERE e.business_id = $1 AND e.till_id = $2 AND e.type = 'sale_completed'`,
  `INSERT INTO tenders (business_id, sale_id, tender_no, kind, amount_cents, payment_id, mpesa_receipt, claim_code)
   SELECT e.business_id, (e.envelope->'payload'->>'sale_id')::uuid, x.n::int, x.t->>'kind', (x.t->>'amount')::bigint, (x.t->>'payment_id')::uuid, x.t->>'mpesa_receipt', x.t->>'claim_code'
     FROM till_events e CROSS JOIN LATERAL json_array_elements(e.envelope->'payload'->'tenders') WITH ORDINALITY AS x(t, n)
    WHERE e.business_id = $1 AND e.till_id = $2 AND e.type = 'sale_completed'`,
  `INSERT INTO credit_entries (business_id, event_id, entry_no, customer_id, delta_cents, kind, ref_id, reason, till_id, occurred_at)
   SELECT e.business_id, e.event_id, 1, (p->>'customer_id')::uuid,
          CASE WHEN e.type = 'sale_completed' THEN (SELECT sum((x.v->>'amount')::bigint) FROM json_array_elements(p->'tenders') AS x(v) WHERE x.v->>'kind' = 'credit') ELSE -(p->>'amount')::bigint END,
          CASE WHEN e.type = 'sale_completed' THEN 'sale' ELSE 'payment' END,
          CASE WHEN e.type = 'sale_completed' THEN (p->>'sale_id')::uuid ELSE (p->>'entry_id')::uuid END,
          NULL, e.till_id, (e.envelope->>'occurred_at')::timestamptz
     FROM till_events e CROSS JOIN LATERAL (SELECT e.envelope->'payload' AS p) q
    WHERE e.business_id = $1 AND e.till_id = $2
      AND (e.type = 'credit_payment_recorded' OR (e.type = 'sale_completed' AND EXISTS (SELECT 1 FROM json_array_elements(p->'tenders') AS x(v) WHERE x.v->>'kind' = 'credit')))`,
];

/** Builds and stores one till's history: `sales` sales over the 90 days ending `today`. */
async function seedTill(db: Db, shop: { business: TestBusiness; products: SeedProduct[]; customers: string[] }, till: SeedTill, index: number, sales: number, today: string, claimBase: number): Promise<{ events: number; lines: number }> {
  const batch: Record<string, unknown>[] = [];
  const received: string[] = [];
  let events = 0;
  let lines = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await db.query(insert_events, [
      shop.business.business_id,
      till.till_id,
      batch.map((event) => event['seq']),
      batch.map((event) => event['event_id']),
      batch.map((event) => event['type']),
      batch.map((event) => event['prev_hash']),
      batch.map((event) => event['hash']),
      batch.map((event) => JSON.stringify(event)),
      received.splice(0),
    ]);
    events += batch.length;
    batch.length = 0;
  };
  const first = addDay(today, -(seed_days - 1));
  const open_ms = (close_hour - open_hour) * 3_600_000;
  for (let k = 0; k < sales; k += 1) {
    const day = Math.floor((k * seed_days) / sales);
    const perDay = Math.ceil(sales / seed_days);
    const slot = k - Math.ceil((day * sales) / seed_days);
    const local = Date.parse(`${addDay(first, day)}T00:00:00Z`) + open_hour * 3_600_000 + Math.floor(((slot + 0.5) * open_ms) / perDay);
    const at = local - nairobi_offset_ms;
    const cashier = (local % day_ms) / 3_600_000 < 14 ? till.cashiers[0] : till.cashiers[1];
    if (k % 40 === 13) {
      const customer = shop.customers[(k * 7 + index) % shop.customers.length] as string;
      batch.push(till.event('credit_payment_recorded', (id) => ({ entry_id: id(), customer_id: customer, amount: 30_000 + (k % 5) * 10_000, tender: 'cash' }), at - 1_000, cashier));
      received.push(isoAt(at + 1_000));
    }
    const count = lines_cycle[k % lines_cycle.length] as number;
    const tender =
      k % 25 === 7
        ? { kind: 'credit' as const, customer_id: shop.customers[(Math.floor(k / 25) * 11 + index * 3) % shop.customers.length] as string }
        : k % 3 === 0
          ? { kind: 'mpesa' as const, claim_code: `Q${(claimBase + k).toString(36).toUpperCase().padStart(9, '0')}` }
          : { kind: 'cash' as const };
    batch.push(till.sale(shop.products, k, count, tender, at, cashier));
    received.push(isoAt(at + 2_000));
    lines += count;
    if (batch.length >= 1_000) await flush();
  }
  await flush();
  await db.transaction(async (tx) => {
    for (const sql of project_sql) await tx.query(sql, [shop.business.business_id, till.till_id]);
    await tx.query('UPDATE tills SET acked_seq = $3, head_hash = $4 WHERE business_id = $1 AND id = $2', [shop.business.business_id, till.till_id, till.seq, till.head]);
  });
  return { events, lines };
}

/** The rollups must hold what the raw rows say (else the seed or the fold went wrong). */
async function checkRollups(db: Db, businessId: string, expectedSales: number): Promise<void> {
  const rows = await db.query<Record<string, string>>(
    `SELECT (SELECT sum(sale_count) FROM sales_rollup_daily WHERE business_id = $1)::text AS r_sales,
            (SELECT count(*) FROM sales WHERE business_id = $1)::text AS sales,
            (SELECT sum(gross_cents) FROM sales_rollup_daily WHERE business_id = $1)::text AS r_gross,
            (SELECT sum(subtotal_cents) FROM sales WHERE business_id = $1)::text AS gross,
            (SELECT sum(vat_cents) FROM sales_rollup_daily WHERE business_id = $1)::text AS r_vat,
            (SELECT sum(vat_cents) FROM sale_lines WHERE business_id = $1)::text AS vat,
            (SELECT sum(tender_cents) FROM sales_rollup_hourly WHERE business_id = $1)::text AS r_tenders,
            (SELECT sum(amount_cents) FROM tenders WHERE business_id = $1)::text AS tenders,
            (SELECT sum(net_cents) FROM product_rollup_daily WHERE business_id = $1)::text AS r_product_net,
            (SELECT sum(gross_cents - discount_cents) FROM sale_lines WHERE business_id = $1)::text AS product_net`,
    [businessId],
  );
  const row = rows[0] as Record<string, string>;
  if (Number(row['sales']) !== expectedSales) throw new Error(`seed: expected ${expectedSales} sales, stored ${row['sales']}`);
  for (const [rolled, raw] of [['r_sales', 'sales'], ['r_gross', 'gross'], ['r_vat', 'vat'], ['r_tenders', 'tenders'], ['r_product_net', 'product_net']] as const) {
    if (row[rolled] !== row[raw]) throw new Error(`seed: rollups disagree with the raw rows: ${rolled} ${row[rolled]} vs ${raw} ${row[raw]}`);
  }
}

export async function seedShop(t: TestApp, linesTotal: number, label: string): Promise<SeededShop> {
  const started = Date.now();
  const shop = await createShop(t);
  const today = t.deps.clock.now() === 0 ? '' : new Date(t.deps.clock.now() + nairobi_offset_ms).toISOString().slice(0, 10);
  const salesTotal = Math.round(linesTotal / 5);
  let events = 0;
  let lines = 0;
  for (const [index, till] of shop.tills.entries()) {
    const sales = Math.floor(salesTotal / seed_tills) + (index < salesTotal % seed_tills ? 1 : 0);
    const seeded = await seedTill(t.deps.db, shop, till, index, sales, today, index * 1_000_000);
    events += seeded.events;
    lines += seeded.lines;
    progress(`owner-dashboard ${label}: seeded till ${index + 1}/${seed_tills} (${lines} lines, ${events} events, ${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await t.deps.db.query(
    `INSERT INTO customer_balances (business_id, customer_id, balance_cents, updated_at)
     SELECT business_id, customer_id, sum(delta_cents), max(occurred_at) FROM credit_entries WHERE business_id = $1 GROUP BY business_id, customer_id`,
    [shop.business.business_id],
  );
  progress(`owner-dashboard ${label}: rollups rebuild (the payme-server rollups rebuild code path)`);
  const folded = await rebuildRollups(t.deps.db, shop.business.business_id, (page) => {
    if (page.pages % 10 === 0) progress(`owner-dashboard ${label}: rollups: ${page.events} events folded (${Math.round((Date.now() - started) / 1000)} s)`);
  });
  if (folded.events !== events) throw new Error(`seed: the rebuild folded ${folded.events} of ${events} events`);
  await checkRollups(t.deps.db, shop.business.business_id, salesTotal);
  progress(`owner-dashboard ${label}: seeded ${lines} lines in ${Math.round((Date.now() - started) / 1000)} s; rollups checked against the raw rows`);
  return { business: shop.business, tills: shop.tills, products: shop.products, customers: shop.customers, today, sales: salesTotal, lines, events };
}
