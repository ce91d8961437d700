/**
 * Applying the server's authoritative feed (DESIGN §5 pull) to the synced tables: catalog and
 * prices, staff, customers and balances, stock levels, payments, settings, till state. One batch
 * and the till's acked seq from the same response commit in ONE transaction, and every cached
 * figure they touch is recomputed by the formula of DESIGN §4.
 *
 * Each change's `data` is parsed with shared's `feed_records` schema of its kind: the server's
 * record, in the server's names (the ledger's columns keep their own: `price_cents` is stored in
 * `products.unit_price`).
 */
import {
  PaymeError,
  checkpointSchema,
  feed_records,
  isoAt,
  pullChangeSchema,
  schemaError,
  uuid,
  type Checkpoint,
  type FeedRecord,
  type FeedRecordKind,
  type PullChange,
} from '@payme/shared';
import { z } from 'zod';
import { feedAckedSeq, recomputeCredit, recomputeStock } from './balances.js';
import { sql, type LedgerContext } from './context.js';
import { chainBase, lowerAckTo, recordAck } from './outbox.js';


export const serverBatchInput = z.strictObject({
  changes: z.array(pullChangeSchema).max(10_000),
  acked_seq: z.number().int().min(0),
  cursor: z.string().max(200),
  /** The server's latest signed audit checkpoint, its signature already checked by the sync agent. */
  checkpoint: checkpointSchema.optional(),
});

/**
 * What the checkpoint of a batch told about the server's history (DESIGN §5 Pull):
 * - `kept`: a new one, stored; `known`: one the till already holds;
 * - `conflict`: the till holds another hash for the same audit seq (the history was rewritten);
 * - `behind`: the server's head is below a checkpoint the till holds (the server lost entries,
 *   as a restore from an older backup does, or its history was cut).
 */
export type CheckpointOutcome =
  | { kind: 'none' | 'kept' | 'known' }
  | { kind: 'conflict'; seq: number; held_hash: string; hash: string }
  | { kind: 'behind'; seq: number; held_seq: number };
export type ServerBatch = z.input<typeof serverBatchInput>;

export interface ServerBatchResult {
  applied: number;
  checkpoint: CheckpointOutcome;
  /** Changes naming a product or customer this till does not have yet (applied when it arrives). */
  skipped: { index: number; kind: string; id: string; reason: string }[];
  /**
   * The feed's acked_seq for this till went back (the server was restored from an older backup):
   * from what the feed said before to what it says now. The events after `to` are pushed again.
   */
  acked_went_back: { from: number; to: number } | null;
}

function parseData<K extends FeedRecordKind>(kind: K, change: PullChange, index: number): FeedRecord<K> {
  const parsed = feed_records[kind].safeParse(change.data);
  if (!parsed.success) {
    const error = schemaError(parsed.error);
    const field = `changes.${index}.data${error.field === undefined ? '' : `.${error.field}`}`;
    throw new PaymeError('invalid_input', `${field}: ${error.message.replace(/^[^:]*: /, '')}`, field);
  }
  return parsed.data as FeedRecord<K>;
}

function changedIds(ctx: LedgerContext, table: 'stock_movements' | 'credit_entries', column: string, from: number, to: number): string[] {
  const [low, high] = from < to ? [from, to] : [to, from];
  const rows = ctx.db.prepare(`SELECT DISTINCT ${column} AS id FROM ${table} WHERE seq > ? AND seq <= ?`).all(low, high) as { id: string }[];
  return rows.map((row) => row.id);
}

export function applyServerBatch(ctx: LedgerContext, raw: unknown): ServerBatchResult {
  const parsedBatch = serverBatchInput.safeParse(raw);
  if (!parsedBatch.success) throw schemaError(parsedBatch.error);
  const batch = parsedBatch.data;
  return ctx.db
    .transaction((): ServerBatchResult => {
      const products = new Set<string>();
      const customers = new Set<string>();
      const skipped: ServerBatchResult['skipped'] = [];
      batch.changes.forEach((change, index) => {
        const outcome = applyChange(ctx, change, index);
        if (outcome === 'product') products.add(change.id);
        else if (outcome === 'customer') customers.add(change.id);
        else if (outcome !== 'done') skipped.push({ index, kind: change.kind, id: change.id, reason: outcome.skipped });
      });
      const previous = feedAckedSeq(ctx);
      // The server speaks of this till's chain; the journal counts local seqs (chain_base, DESIGN §5 moved till).
      const ackedLocal = chainBase(ctx) + batch.acked_seq;
      // Within one server's history the feed's acked_seq never goes back (each page is read at
      // its cursor, and pulls follow one another). When it does, the server lost what it had
      // acknowledged: those events become unacknowledged again and are pushed again. A push
      // answered meanwhile is not a sign of this: only the feed's own earlier value is compared.
      const wentBack = ackedLocal < previous ? { from: previous - chainBase(ctx), to: batch.acked_seq } : null;
      if (wentBack !== null) lowerAckTo(ctx, batch.acked_seq);
      recordAck(ctx, batch.acked_seq, null);
      sql(ctx, 'UPDATE sync_state SET feed_acked_seq = ?, cursor = ? WHERE id = 1').run(ackedLocal, batch.cursor);
      for (const id of changedIds(ctx, 'stock_movements', 'product_id', previous, ackedLocal)) products.add(id);
      for (const id of changedIds(ctx, 'credit_entries', 'customer_id', previous, ackedLocal)) customers.add(id);
      recomputeStock(ctx, products);
      recomputeCredit(ctx, customers);
      const checkpoint = batch.checkpoint === undefined ? { kind: 'none' as const } : keepCheckpoint(ctx, batch.checkpoint);
      return { applied: batch.changes.length - skipped.length, skipped, checkpoint, acked_went_back: wentBack };
    })
    .immediate();
}

/** Keeps a signed checkpoint the till has not seen, and compares it with those it holds. */
function keepCheckpoint(ctx: LedgerContext, checkpoint: Checkpoint): CheckpointOutcome {
  const held = sql(ctx, 'SELECT hash FROM server_checkpoints WHERE seq = ?').get(checkpoint.seq) as { hash: string } | undefined;
  if (held !== undefined) return held.hash === checkpoint.hash ? { kind: 'known' } : { kind: 'conflict', seq: checkpoint.seq, held_hash: held.hash, hash: checkpoint.hash };
  const highest = (sql(ctx, 'SELECT MAX(seq) AS seq FROM server_checkpoints').get() as { seq: number | null }).seq;
  if (highest !== null && highest > checkpoint.seq) return { kind: 'behind', seq: checkpoint.seq, held_seq: highest };
  sql(ctx, 'INSERT INTO server_checkpoints (seq, hash, signature, key_id, seen_at) VALUES (?, ?, ?, ?, ?)').run(
    checkpoint.seq,
    checkpoint.hash,
    checkpoint.signature,
    checkpoint.key_id ?? null,
    isoAt(ctx.clock.now()),
  );
  return { kind: 'kept' };
}

type ChangeOutcome = 'product' | 'customer' | 'done' | { skipped: string };

type ChangeApplier = (ctx: LedgerContext, change: PullChange, index: number) => ChangeOutcome;

function applyProduct(ctx: LedgerContext, change: PullChange, index: number): ChangeOutcome {
  if (change.data === null) {
    sql(ctx, 'UPDATE products SET active = 0 WHERE product_id = ?').run(change.id);
    return 'done';
  }
  const data = parseData('product', change, index);
  sql(
    ctx,
    `INSERT INTO products (product_id, name, sku, barcode, unit, unit_price, vat_class, stock_policy, active)
     VALUES (@id, @name, @sku, @barcode, @unit, @unit_price, @vat_class, @stock_policy, @active)
     ON CONFLICT (product_id) DO UPDATE SET name = excluded.name, sku = excluded.sku, barcode = excluded.barcode,
       unit = excluded.unit, unit_price = excluded.unit_price, vat_class = excluded.vat_class,
       stock_policy = excluded.stock_policy, active = excluded.active`,
  ).run({ ...data, id: change.id, unit_price: data.price_cents, sku: data.sku ?? null, barcode: data.barcode ?? null, active: data.active ? 1 : 0 });
  return 'product';
}

function applyStaff(ctx: LedgerContext, change: PullChange, index: number): ChangeOutcome {
  if (change.data === null) {
    sql(ctx, 'UPDATE staff SET active = 0 WHERE staff_id = ?').run(change.id);
    return 'done';
  }
  const data = parseData('staff', change, index);
  sql(
    ctx,
    `INSERT INTO staff (staff_id, name, role, pin_hash, active) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (staff_id) DO UPDATE SET name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash, active = excluded.active`,
  ).run(change.id, data.name, data.role, data.pin_hash ?? '', data.active && data.pin_hash !== null ? 1 : 0);
  return 'done';
}

function applyCustomer(ctx: LedgerContext, change: PullChange, index: number): ChangeOutcome {
  if (change.data === null) return { skipped: 'customers are never deleted on a till' };
  const data = parseData('customer', change, index);
  sql(
    ctx,
    `INSERT INTO customers (customer_id, name, phone, credit_limit, active) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, phone = excluded.phone, credit_limit = excluded.credit_limit, active = excluded.active`,
  ).run(change.id, data.name, data.phone ?? null, data.credit_limit_cents, data.active ? 1 : 0);
  return 'customer';
}

function applyPayment(ctx: LedgerContext, change: PullChange, index: number): ChangeOutcome {
  const data = parseData('payment', change, index);
  sql(
    ctx,
    `INSERT INTO payments (payment_id, state, amount, phone, mpesa_receipt, sale_id, result_code, cashier_message, updated_at)
     VALUES (@id, @state, @amount, @phone, @mpesa_receipt, @sale_id, @result_code, @cashier_message, @updated_at)
     ON CONFLICT (payment_id) DO UPDATE SET state = excluded.state, amount = excluded.amount, phone = excluded.phone,
       mpesa_receipt = excluded.mpesa_receipt, sale_id = excluded.sale_id, result_code = excluded.result_code,
       cashier_message = excluded.cashier_message, updated_at = excluded.updated_at`,
  ).run({
    id: change.id,
    state: data.state,
    amount: data.amount,
    phone: data.phone ?? null,
    mpesa_receipt: data.mpesa_receipt ?? null,
    sale_id: data.sale_id ?? null,
    result_code: data.result_code ?? null,
    cashier_message: data.cashier_message ?? null,
    updated_at: data.updated_at ?? isoAt(ctx.clock.now()),
  });
  return 'done';
}

function applySetting(ctx: LedgerContext, change: PullChange, index: number): ChangeOutcome {
  if (change.data === null) sql(ctx, 'DELETE FROM settings WHERE key = ?').run(change.id);
  else {
    const data = parseData('setting', change, index);
    sql(ctx, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(change.id, JSON.stringify(data.value ?? null));
  }
  return 'done';
}

/** One applier per kind of change a till keeps; the others (a till, a store) are skipped. */
const change_appliers: Partial<Record<PullChange['kind'], ChangeApplier>> = {
  product: applyProduct,
  price: (ctx, change, index) => {
    const data = parseData('price', change, index);
    const changed = sql(ctx, 'UPDATE products SET unit_price = ? WHERE product_id = ?').run(data.price_cents, change.id).changes;
    return changed === 0 ? { skipped: 'unknown product' } : 'done';
  },
  stock_level: (ctx, change, index) => {
    const data = parseData('stock_level', change, index);
    const changed = sql(ctx, 'UPDATE products SET server_level = ? WHERE product_id = ?').run(data.on_hand, change.id).changes;
    return changed === 0 ? { skipped: 'unknown product' } : 'product';
  },
  staff: applyStaff,
  customer: applyCustomer,
  credit_balance: (ctx, change, index) => {
    const data = parseData('credit_balance', change, index);
    const changed = sql(ctx, 'UPDATE customers SET server_balance = ? WHERE customer_id = ?').run(data.balance_cents, change.id).changes;
    return changed === 0 ? { skipped: 'unknown customer' } : 'customer';
  },
  payment: applyPayment,
  setting: applySetting,
  till_state: (ctx, change, index) => {
    const data = parseData('till_state', change, index);
    // After a recovery the receipt counter continues past the highest number the server saw.
    if (data.receipt_counter !== undefined) {
      sql(ctx, 'UPDATE sync_state SET receipt_next = max(receipt_next, ?) WHERE id = 1').run(data.receipt_counter + 1);
    }
    return 'done';
  },
};

function applyChange(ctx: LedgerContext, change: PullChange, index: number): ChangeOutcome {
  const needsUuid = change.kind !== 'setting' && change.kind !== 'till_state';
  if (needsUuid && !uuid.safeParse(change.id).success) {
    throw new PaymeError('invalid_input', `changes.${index}.id: must be an id (a lowercase UUID)`, `changes.${index}.id`);
  }
  const apply = Object.hasOwn(change_appliers, change.kind) ? change_appliers[change.kind] : undefined;
  return apply === undefined ? { skipped: `unknown change kind ${String(change.kind)}` } : apply(ctx, change, index);
}
