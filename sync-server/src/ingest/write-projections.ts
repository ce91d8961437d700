/**
 * Writes the rows a push's fold produced. Every plain insert and update of the push (sales,
 * lines, tenders, refunds, shifts, cash, claims, reversals, stock movements, credit entries, new
 * customers) goes in ONE statement: one data-modifying CTE per table, the rows passed as one
 * JSON array each and unpacked by `json_to_recordset` (the same SQL on PostgreSQL and PGlite;
 * json, not jsonb: the text is read once instead of first being converted, about twice as fast).
 * Foreign keys between those tables hold because PostgreSQL checks them at the end of the
 * statement. Table and column lists below are constants of this file, never input; every value
 * travels as a parameter.
 */
import type { OwnerCustomer } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { AnomalyRow, ProjectionRows } from './projection-state.js';
import { oversoldAnomalies } from './stock-anomalies.js';
import { no_rollup_rows, writeRollupRows, type RollupRows } from '../reports/rollup-write.js';

/** One statement made of data-modifying CTEs, each with its own JSON parameter. */
class WriteBatch {
  private readonly parts: string[] = [];
  readonly params: unknown[];

  constructor(businessId: string) {
    this.params = [businessId];
  }

  get empty(): boolean {
    return this.parts.length === 0;
  }

  /** `INSERT INTO table (business_id, cols…) SELECT $1, cols… FROM json_to_recordset($n)`. */
  insert(table: string, columns: string, rows: readonly object[]): void {
    if (rows.length === 0) return;
    const names = columns
      .split(',')
      .map((column) => column.trim().split(/\s+/)[0])
      .join(', ');
    this.add(`INSERT INTO ${table} (business_id, ${names}) SELECT $1, ${names} FROM json_to_recordset($${this.params.length + 1}::json) AS x(${columns})`, rows);
  }

  /** A statement reading its rows as `x` from `json_to_recordset($rows)`; `$rows` is replaced. */
  add(statement: string, rows: readonly object[]): void {
    this.params.push(JSON.stringify(rows));
    this.parts.push(statement.replaceAll('$rows', `$${this.params.length}`));
  }

  async run(tx: Db): Promise<void> {
    if (this.empty) return;
    const ctes = this.parts.map((part, index) => `w${index} AS (${part})`).join(',\n');
    await tx.query(`WITH ${ctes}\nSELECT 1`, this.params);
  }
}

const sale_columns = `sale_id uuid, store_id uuid, till_id uuid, status text, receipt_no text, shift_id uuid, customer_id uuid,
  cashier_id uuid, payment_id uuid, subtotal_cents bigint, discount_cents bigint, vat_cents bigint, rounding_cents bigint,
  total_cents bigint, credit_cents bigint, close_reason text, event_id uuid, occurred_at timestamptz, received_at timestamptz,
  sold_at timestamptz, completed_event_id uuid, parked_event_id uuid`;

const shift_columns = `shift_id uuid, store_id uuid, till_id uuid, status text, opened_by uuid, float_cents bigint, opened_at timestamptz,
  paid_in_cents bigint, paid_out_cents bigint, closed_by uuid, closed_at timestamptz, counted jsonb, expected jsonb, variance jsonb,
  variance_cents bigint, sales_count bigint, refunds_total_cents bigint, voids_count bigint`;

function writeSales(batch: WriteBatch, rows: ProjectionRows): void {
  batch.insert('sales', sale_columns, [...rows.sales.values()]);
  if (rows.sale_updates.size > 0) {
    batch.add(
      `UPDATE sales s SET status = x.status, receipt_no = COALESCE(x.receipt_no, s.receipt_no),
              shift_id = COALESCE(x.shift_id, s.shift_id), customer_id = COALESCE(x.customer_id, s.customer_id),
              cashier_id = COALESCE(x.cashier_id, s.cashier_id), subtotal_cents = COALESCE(x.subtotal_cents, s.subtotal_cents),
              discount_cents = COALESCE(x.discount_cents, s.discount_cents), vat_cents = COALESCE(x.vat_cents, s.vat_cents),
              rounding_cents = COALESCE(x.rounding_cents, s.rounding_cents), total_cents = COALESCE(x.total_cents, s.total_cents),
              credit_cents = COALESCE(x.credit_cents, s.credit_cents), close_reason = COALESCE(x.close_reason, s.close_reason),
              event_id = x.event_id, occurred_at = x.occurred_at, received_at = x.received_at,
              sold_at = COALESCE(x.sold_at, s.sold_at), completed_event_id = COALESCE(x.completed_event_id, s.completed_event_id)
         FROM json_to_recordset($rows::json) AS x(${sale_columns})
        WHERE s.business_id = $1 AND s.sale_id = x.sale_id`,
      [...rows.sale_updates.values()],
    );
  }
  batch.insert(
    'sale_lines',
    `sale_id uuid, line_no integer, line_id uuid, product_id uuid, name text, unit text, quantity bigint, unit_price_cents bigint,
     discount_cents bigint, gross_cents bigint, vat_class text, vat_cents bigint, net_cents bigint`,
    rows.sale_lines,
  );
  batch.insert('tenders', 'sale_id uuid, tender_no integer, kind text, amount_cents bigint, payment_id uuid, mpesa_receipt text, claim_code text', rows.tenders);
  batch.insert(
    'refunds',
    `refund_id uuid, sale_id uuid, till_id uuid, total_cents bigint, lines jsonb, tenders jsonb, reason text, actor_id uuid,
     approver_id uuid, event_id uuid, occurred_at timestamptz, received_at timestamptz`,
    rows.refunds,
  );
}

/** A customer as the feed carries it: the owner API's customer record (shared's customerSchema). */
export type FeedCustomer = OwnerCustomer;

async function writeCustomers(tx: Db, batch: WriteBatch, businessId: string, rows: ProjectionRows): Promise<FeedCustomer[]> {
  const created = [...rows.customers.values()].map((row) => ({ ...row, active: true, created_at: row.updated_at }));
  batch.insert('customers', 'id uuid, name text, phone text, credit_limit_cents bigint, active boolean, created_at timestamptz, updated_at timestamptz', created);
  batch.insert(
    'customer_balances',
    'customer_id uuid, balance_cents bigint, updated_at timestamptz',
    created.map((row) => ({ customer_id: row.id, balance_cents: 0, updated_at: row.updated_at })),
  );
  const changed: FeedCustomer[] = created.map(({ id, name, phone, credit_limit_cents, active, updated_at }) => ({
    id,
    name,
    phone,
    credit_limit_cents,
    active,
    updated_at: new Date(updated_at).toISOString(),
  }));
  if (rows.customer_updates.size === 0) return changed;
  const updated = await tx.query<Omit<FeedCustomer, 'updated_at'> & { updated_at: Date | string }>(
    `UPDATE customers c SET name = COALESCE(x.name, c.name),
            phone = CASE WHEN x.phone_set THEN x.phone ELSE c.phone END,
            credit_limit_cents = COALESCE(x.credit_limit_cents, c.credit_limit_cents), updated_at = x.updated_at
       FROM json_to_recordset($2::json) AS x(id uuid, name text, phone_set boolean, phone text, credit_limit_cents bigint, updated_at timestamptz)
      WHERE c.business_id = $1 AND c.id = x.id
      RETURNING c.id::text AS id, c.name, c.phone, c.credit_limit_cents, c.active, c.updated_at`,
    [businessId, JSON.stringify([...rows.customer_updates.values()])],
  );
  for (const row of updated) {
    changed.push({ ...row, credit_limit_cents: Number(row.credit_limit_cents), updated_at: new Date(row.updated_at).toISOString() });
  }
  return changed;
}

function writeShifts(batch: WriteBatch, rows: ProjectionRows): void {
  batch.insert('shifts', shift_columns, [...rows.shifts.values()]);
  if (rows.shift_updates.size > 0) {
    batch.add(
      `UPDATE shifts s SET paid_in_cents = s.paid_in_cents + x.paid_in_cents, paid_out_cents = s.paid_out_cents + x.paid_out_cents,
              status = COALESCE(x.status, s.status), closed_by = COALESCE(x.closed_by, s.closed_by),
              closed_at = COALESCE(x.closed_at, s.closed_at), counted = COALESCE(x.counted, s.counted),
              expected = COALESCE(x.expected, s.expected), variance = COALESCE(x.variance, s.variance),
              variance_cents = COALESCE(x.variance_cents, s.variance_cents), sales_count = COALESCE(x.sales_count, s.sales_count),
              refunds_total_cents = COALESCE(x.refunds_total_cents, s.refunds_total_cents),
              voids_count = COALESCE(x.voids_count, s.voids_count)
         FROM json_to_recordset($rows::json) AS x(${shift_columns})
        WHERE s.business_id = $1 AND s.shift_id = x.shift_id`,
      [...rows.shift_updates.values()],
    );
  }
  batch.insert(
    'shift_cash_movements',
    'event_id uuid, entry_id uuid, shift_id uuid, direction text, amount_cents bigint, reason text, actor_id uuid, occurred_at timestamptz',
    rows.cash_moves,
  );
}

/** Adds the push's net stock changes to the store's levels; returns the new levels by product. */
async function writeStock(tx: Db, businessId: string, storeId: string, rows: ProjectionRows, at: string): Promise<Map<string, number>> {
  const levels = new Map<string, number>();
  if (rows.stock_deltas.size === 0) return levels;
  // Sorted so two writers of one business would take the level rows' locks in the same order.
  const deltas = [...rows.stock_deltas].sort(([a], [b]) => (a < b ? -1 : 1)).map(([product_id, delta]) => ({ product_id, delta }));
  const updated = await tx.query<{ product_id: string; on_hand: number }>(
    `INSERT INTO stock_levels (business_id, store_id, product_id, on_hand, updated_at)
     SELECT $1, $2, x.product_id, x.delta, $3 FROM json_to_recordset($4::json) AS x(product_id uuid, delta bigint)
     ON CONFLICT (business_id, store_id, product_id)
       DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand, updated_at = excluded.updated_at
     RETURNING product_id, on_hand`,
    [businessId, storeId, at, JSON.stringify(deltas)],
  );
  for (const row of updated) levels.set(row.product_id, Number(row.on_hand));
  return levels;
}

/** Adds the push's net credit changes to the balances; returns the new balances by customer. */
async function writeCredit(tx: Db, businessId: string, rows: ProjectionRows, at: string): Promise<Map<string, number>> {
  const balances = new Map<string, number>();
  if (rows.balance_deltas.size === 0) return balances;
  const deltas = [...rows.balance_deltas].sort(([a], [b]) => (a < b ? -1 : 1)).map(([customer_id, delta]) => ({ customer_id, delta }));
  const updated = await tx.query<{ customer_id: string; balance_cents: number }>(
    `INSERT INTO customer_balances (business_id, customer_id, balance_cents, updated_at)
     SELECT $1, x.customer_id, x.delta, $2 FROM json_to_recordset($3::json) AS x(customer_id uuid, delta bigint)
     ON CONFLICT (business_id, customer_id)
       DO UPDATE SET balance_cents = customer_balances.balance_cents + excluded.balance_cents, updated_at = excluded.updated_at
     RETURNING customer_id, balance_cents`,
    [businessId, at, JSON.stringify(deltas)],
  );
  for (const row of updated) balances.set(row.customer_id, Number(row.balance_cents));
  return balances;
}

export interface WrittenState {
  customers: FeedCustomer[];
  stock_levels: Map<string, number>;
  balances: Map<string, number>;
  /** With `deferAnomalies`: the anomalies the caller must insert (the push does it in its last statement). */
  anomalies: AnomalyRow[];
}

/**
 * Every plain insert and update of a push in one statement (customer changes that the feed must
 * read back first). Returns the customers for the feed.
 */
export async function writePlainRows(
  tx: Db,
  scope: { business_id: string },
  rows: ProjectionRows,
  rollups: RollupRows = no_rollup_rows,
): Promise<FeedCustomer[]> {
  const businessId = scope.business_id;
  const batch = new WriteBatch(businessId);
  const customers = await writeCustomers(tx, batch, businessId, rows);
  writeSales(batch, rows);
  writeShifts(batch, rows);
  batch.insert(
    'mpesa_claims',
    'claim_id uuid, sale_id uuid, code text, amount_cents bigint, phone text, till_id uuid, event_id uuid, occurred_at timestamptz, received_at timestamptz',
    rows.claims,
  );
  batch.insert(
    'reversal_requests',
    `reversal_id uuid, sale_id uuid, refund_id uuid, payment_id uuid, mpesa_receipt text, amount_cents bigint, till_id uuid,
     event_id uuid, occurred_at timestamptz, received_at timestamptz`,
    rows.reversals,
  );
  batch.insert(
    'stock_movements',
    'event_id uuid, line_no integer, store_id uuid, product_id uuid, delta bigint, kind text, ref_id uuid, till_id uuid, occurred_at timestamptz',
    rows.stock_moves,
  );
  batch.insert(
    'credit_entries',
    'event_id uuid, entry_no integer, customer_id uuid, delta_cents bigint, kind text, ref_id uuid, reason text, till_id uuid, occurred_at timestamptz',
    rows.credit_entries,
  );
  await batch.run(tx);
  // The rollups of the applied events (reports/rollup-step.ts): rows of this till only, so no
  // other till's push waits on them.
  await writeRollupRows(tx, businessId, rollups);
  return customers;
}

/**
 * The rows other pushes of the business may also change — levels, then balances, each sorted —
 * and the anomalies that depend on them (not inserted).
 */
export async function writeSharedRows(
  tx: Db,
  scope: { business_id: string; store_id: string },
  rows: ProjectionRows,
  receivedAt: string,
): Promise<{ stock_levels: Map<string, number>; balances: Map<string, number>; anomalies: AnomalyRow[] }> {
  const stock_levels = await writeStock(tx, scope.business_id, scope.store_id, rows, receivedAt);
  const balances = await writeCredit(tx, scope.business_id, rows, receivedAt);
  const anomalies = [...rows.anomalies, ...oversoldAnomalies(rows, stock_levels, receivedAt)];
  return { stock_levels, balances, anomalies };
}

/**
 * Writes every projection row of a push (quarantine replay; a push ends in push-tail.ts instead).
 * Plain inserts come first, in one statement; the rows other pushes of the business may also
 * change (levels, balances) come last, in a sorted order, so their row locks are held only for the
 * end of the transaction and two pushes never wait on each other in a cycle. Anomalies are
 * inserted here unless `deferAnomalies` hands them back.
 */
export async function writeProjections(
  tx: Db,
  scope: { business_id: string; store_id: string },
  rows: ProjectionRows,
  receivedAt: string,
  options: { deferAnomalies?: boolean; rollups?: RollupRows } = {},
): Promise<WrittenState> {
  const customers = await writePlainRows(tx, scope, rows, options.rollups);
  const { stock_levels, balances, anomalies } = await writeSharedRows(tx, scope, rows, receivedAt);
  if (options.deferAnomalies) return { customers, stock_levels, balances, anomalies };
  await insertAnomalies(tx, scope.business_id, anomalies);
  return { customers, stock_levels, balances, anomalies: [] };
}

const anomaly_columns = 'event_id uuid, anomaly_no integer, kind text, till_id uuid, subject text, details jsonb, detected_at timestamptz';

async function insertAnomalies(tx: Db, businessId: string, anomalies: readonly AnomalyRow[]): Promise<void> {
  const batch = new WriteBatch(businessId);
  batch.insert('anomalies', anomaly_columns, anomalies);
  await batch.run(tx);
}
