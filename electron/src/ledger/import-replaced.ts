/**
 * `payme-till restore` keeps what the replaced database knew (DESIGN §5): before the restored
 * ledger recovers, every event of the ledger it replaces that the backup does not hold joins the
 * restored journal, in the replaced journal's order, as this till's own unacknowledged event —
 * original event id, type, time, actor and payload; the next local seq; rechained onto the
 * restored head. Recovery then treats them like any own unacknowledged event: one the server
 * holds (same event id) is adopted at the server's seq, the rest are re-appended after the
 * server's head with their original ids. Event ids the backup already holds are skipped, so
 * nothing is doubled.
 *
 * When the backup is a prefix of the replaced journal (the usual case: the same till, backed up
 * earlier), the rechained envelopes are byte for byte the replaced ones, and recovery finds them
 * identical to what the server holds. Events the replaced ledger had acknowledged are imported
 * too, not fetched later: the unacknowledged ones after them may name them (a refund of a sale,
 * the close of a shift), and their effects must be in place in the same order.
 *
 * Catalog and customer rows the backup lacks (created on another till after the backup and
 * delivered by the feed) are copied from the replaced file so the imported events' stock and
 * credit entries have their product and customer; the feed brings them up to date later.
 */
import { PaymeError, isoTimestamp, parseEvent, recordHash, strictObject, type PaymeEvent } from '@payme/shared';
import { z } from 'zod';
import { recomputeCredit, recomputeStock } from './balances.js';
import { sql, type LedgerContext } from './context.js';
import { requireIdentity } from './identity.js';
import { localHead } from './outbox.js';
import { projectEvent } from './projector.js';

const text = (max: number) => z.string().max(max);

const importedCommand = strictObject({ name: text(100), input_hash: text(200), result: text(1_000_000) });

const importedEvent = strictObject({
  envelope: z.record(z.string(), z.unknown()),
  command_id: text(200).min(1),
  /** The command row that made the event (idempotency: a retried command gets its first answer). */
  command: importedCommand.nullable(),
});

const importedProduct = strictObject({
  product_id: text(100),
  name: text(1_000),
  sku: text(200).nullable(),
  barcode: text(200).nullable(),
  unit: z.enum(['piece', 'gram', 'millilitre']),
  unit_price: z.number().int().min(0),
  vat_class: z.enum(['standard', 'exempt', 'zero_rated']),
  stock_policy: z.enum(['block', 'allow_with_override']),
  active: z.union([z.literal(0), z.literal(1)]),
});

const importedCustomer = strictObject({
  customer_id: text(100),
  name: text(1_000),
  phone: text(100).nullable(),
  credit_limit: z.number().int().min(0),
});

export const importReplacedEventsInput = strictObject({
  /** The replaced ledger's events in its journal order (all of them; held ones are skipped). */
  events: z.array(importedEvent).max(10_000_000),
  products: z.array(importedProduct).max(1_000_000),
  customers: z.array(importedCustomer).max(1_000_000),
  /** The replaced ledger's next receipt counter: numbers it printed are never issued again. */
  receipt_next: z.number().int().min(1),
  /** When the replaced file was read (for the report only). */
  read_at: isoTimestamp.optional(),
});

export type ImportReplacedEventsInput = z.input<typeof importReplacedEventsInput>;

export interface ImportReplacedResult {
  /** Events appended to the restored journal (unacknowledged; recovery settles them). */
  imported: number;
  /** Events the backup already held (same event id). */
  skipped: number;
  products_added: number;
  customers_added: number;
}

function refuse(message: string, field: string, details?: Record<string, unknown>): PaymeError {
  return new PaymeError('invalid_input', message, field, details);
}

export function importReplacedEvents(ctx: LedgerContext, raw: unknown): ImportReplacedResult {
  const parsed = importReplacedEventsInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refuse(`${issue?.path.join('.') ?? 'input'}: ${issue?.message ?? 'invalid'}`, issue?.path.join('.') ?? 'input');
  }
  const input = parsed.data;
  return ctx.db
    .transaction((): ImportReplacedResult => {
      const identity = requireIdentity(ctx);
      // Checked before anything is written: a replaced file whose events do not recompute, or
      // belong to another till, is not this till's journal and imports nothing.
      input.events.forEach((row, index) => {
        const { hash, ...unhashed } = row.envelope;
        if (typeof hash !== 'string' || recordHash(unhashed) !== hash) throw refuse(`events.${index}: its hash does not recompute; the replaced file is damaged`, `events.${index}.hash`);
        if (unhashed['till_id'] !== identity.till_id) {
          throw refuse(`events.${index}: it belongs to till ${String(unhashed['till_id'])}, the restored ledger to ${identity.till_id}`, `events.${index}.till_id`);
        }
      });

      const addProduct = sql(
        ctx,
        `INSERT INTO products (product_id, name, sku, barcode, unit, unit_price, vat_class, stock_policy, active)
         VALUES (@product_id, @name, @sku, @barcode, @unit, @unit_price, @vat_class, @stock_policy, @active) ON CONFLICT (product_id) DO NOTHING`,
      );
      const products_added = input.products.reduce((sum, product) => sum + addProduct.run(product).changes, 0);
      const addCustomer = sql(ctx, 'INSERT INTO customers (customer_id, name, phone, credit_limit) VALUES (@customer_id, @name, @phone, @credit_limit) ON CONFLICT (customer_id) DO NOTHING');
      const customers_added = input.customers.reduce((sum, customer) => sum + addCustomer.run(customer).changes, 0);

      const held = sql(ctx, 'SELECT 1 FROM outbox WHERE event_id = ?');
      const commandTaken = sql(ctx, 'SELECT 1 FROM commands WHERE command_id = ?');
      const insert = sql(
        ctx,
        `INSERT INTO outbox (seq, event_id, type, occurred_at, command_id, prev_hash, hash, envelope)
         VALUES (@seq, @event_id, @type, @occurred_at, @command_id, @prev_hash, @hash, @envelope)`,
      );
      const addCommand = sql(ctx, 'INSERT INTO commands (command_id, name, input_hash, result, seq) VALUES (?, ?, ?, ?, ?)');
      let imported = 0;
      let skipped = 0;
      for (const row of input.events) {
        if (held.get(row.envelope['event_id']) !== undefined) {
          skipped += 1;
          continue;
        }
        const head = localHead(ctx);
        const seq = head.seq + 1;
        const { hash: _original, ...original } = row.envelope;
        const unhashed: Record<string, unknown> = { ...original, seq: seq - head.base, prev_hash: head.hash };
        const event: PaymeEvent = parseEvent({ ...unhashed, hash: recordHash(unhashed) });
        insert.run({
          seq,
          event_id: event.event_id,
          type: event.type,
          occurred_at: event.occurred_at,
          command_id: row.command_id,
          prev_hash: event.prev_hash,
          hash: event.hash,
          envelope: JSON.stringify(event),
        });
        projectEvent(ctx, event, seq);
        if (row.command !== null && commandTaken.get(row.command_id) === undefined) {
          addCommand.run(row.command_id, row.command.name, row.command.input_hash, row.command.result, seq);
        }
        imported += 1;
      }
      sql(ctx, 'UPDATE sync_state SET receipt_next = max(receipt_next, ?) WHERE id = 1').run(input.receipt_next);
      recomputeStock(ctx, (sql(ctx, 'SELECT product_id FROM products').all() as { product_id: string }[]).map((product) => product.product_id));
      recomputeCredit(ctx, (sql(ctx, 'SELECT customer_id FROM customers').all() as { customer_id: string }[]).map((customer) => customer.customer_id));
      return { imported, skipped, products_added, customers_added };
    })
    .immediate();
}
