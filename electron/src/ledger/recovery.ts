/**
 * Recovery of a diverged history, till side (DESIGN §5), in ONE transaction: this till's events
 * that the server holds after the last common seq join the journal at their own seqs with their
 * effects; the till's own events after the common seq are kept as superseded rows and re-appended
 * after the server's head with their original event ids, new seqs and hashes; every table that
 * points at a seq follows; acked_seq becomes the head; the epoch and receipt counter move on.
 *
 * A restored till may not have received yet a customer that its lost events name (another till
 * created it, and the feed page carrying it is still ahead of the restored cursor). Such an event
 * is still this till's own fact and must join the journal with its credit entry, so recovery
 * creates a placeholder customer row (no name yet, credit limit 0) that the feed's customer change
 * fills in. This keeps DESIGN §4 exact: the entry is recorded against the right id, the balance is
 * recomputed from server_balance + entries beyond the feed ack like any other, and verifyLedger
 * sees an ordinary customer. Pulling the feed first would mix feed state into a half-repaired
 * journal (its acked_seq speaks of the server's chain, not the local one) — recovery stays local.
 */
import {
  PaymeError,
  boundedInt,
  genesis_hash,
  hash,
  parseEvent,
  recordHash,
  schemaError,
  strictObject,
  verifyChain,
  type ChainedRecord,
  type PaymeEvent,
} from '@payme/shared';
import { z } from 'zod';
import { recomputeCredit, recomputeStock } from './balances.js';
import { sql, type LedgerContext } from './context.js';
import { requireIdentity } from './identity.js';
import { chainBase, readEvents } from './outbox.js';
import { projectEvent } from './projector.js';

export const adoptRecoveredHistoryInput = strictObject({
  epoch: boundedInt(1, Number.MAX_SAFE_INTEGER),
  common_seq: boundedInt(0, Number.MAX_SAFE_INTEGER),
  head: strictObject({ seq: boundedInt(0, Number.MAX_SAFE_INTEGER), hash }),
  server_events: z.array(z.record(z.string(), z.unknown())).max(100_000),
  receipt_counter: boundedInt(0, Number.MAX_SAFE_INTEGER),
});

/** Every column that names an outbox seq; renumbered with the events they belong to. */
const seq_columns: readonly [table: string, column: string][] = [
  ['commands', 'seq'],
  ['stock_movements', 'seq'],
  ['credit_entries', 'seq'],
  ['shift_entries', 'seq'],
  ['sales', 'seq'],
  ['sales', 'voided_seq'],
  ['refunds', 'seq'],
  ['parked_sales', 'parked_seq'],
  ['parked_sales', 'closed_seq'],
  ['shifts', 'opened_seq'],
  ['shifts', 'closed_seq'],
  ['mpesa_claims', 'seq'],
  ['quarantine_marks', 'seq'],
];

function conflict(message: string, seq: number): PaymeError {
  return new PaymeError('chain_conflict', message, undefined, { seq });
}

export function adoptRecoveredHistory(ctx: LedgerContext, raw: unknown): { reappended: number } {
  const parsed = adoptRecoveredHistoryInput.safeParse(raw);
  if (!parsed.success) throw schemaError(parsed.error);
  const input = parsed.data;
  return ctx.db
    .transaction(() => {
      const identity = requireIdentity(ctx);
      // Seqs in the input are this till's chain; the journal's are local (chain_base + seq, DESIGN §5 moved till).
      const base = chainBase(ctx);
      const commonRow = input.common_seq === 0 ? undefined : (sql(ctx, 'SELECT hash FROM outbox WHERE seq = ?').get(base + input.common_seq) as { hash: string } | undefined);
      if (input.common_seq > 0 && commonRow === undefined) throw conflict(`this till holds no event ${input.common_seq} to continue from`, input.common_seq);
      const commonHash = commonRow?.hash ?? genesis_hash;
      const serverEvents = input.server_events.map((raw, index) => {
        const event = parseEvent(raw);
        if (event.till_id !== identity.till_id) throw conflict('a recovered event belongs to another till', event.seq);
        if (event.seq !== input.common_seq + 1 + index) throw conflict('recovered events are not in seq order', event.seq);
        return event;
      });
      const broken = verifyChain(serverEvents as unknown as ChainedRecord[], input.common_seq + 1, commonHash);
      if (broken !== null) throw conflict(`recovered events do not chain (${broken.problem})`, broken.seq);
      const lastHash = serverEvents.at(-1)?.hash ?? commonHash;
      if (input.head.seq !== input.common_seq + serverEvents.length || input.head.hash !== lastHash) {
        throw conflict("the server's head does not end its recovered events", input.head.seq);
      }
      const heldIds = new Set(serverEvents.map((event) => event.event_id));
      const own = readEvents(ctx, base + input.common_seq) as PaymeEvent[];
      const reappend = own.filter((event) => !heldIds.has(event.event_id));
      // The renumbering, in local seqs: own event → its seq after the head (or, if the server holds it, its seq there).
      const newSeq = new Map<number, number>();
      const serverSeqOf = new Map(serverEvents.map((event) => [event.event_id, base + event.seq]));
      reappend.forEach((event, index) => newSeq.set(base + event.seq, base + input.head.seq + 1 + index));
      for (const event of own) if (serverSeqOf.has(event.event_id)) newSeq.set(base + event.seq, serverSeqOf.get(event.event_id)!);

      ctx.db.pragma('defer_foreign_keys = ON');
      const keep = sql(ctx, 'INSERT INTO outbox_superseded (original_seq, event_id, envelope, superseded_by_seq, epoch) SELECT seq, event_id, envelope, ?, ? FROM outbox WHERE seq = ?');
      for (const event of own) keep.run(newSeq.get(base + event.seq) ?? null, input.epoch, base + event.seq);
      renumber(ctx, newSeq);
      sql(ctx, 'DELETE FROM outbox WHERE seq > ?').run(base + input.common_seq);

      const insert = sql(
        ctx,
        `INSERT INTO outbox (seq, event_id, type, occurred_at, command_id, prev_hash, hash, envelope)
         VALUES (@seq, @event_id, @type, @occurred_at, @command_id, @prev_hash, @hash, @envelope)`,
      );
      const writeRow = (event: Record<string, unknown>, command_id: string) =>
        insert.run({
          seq: base + Number(event['seq']),
          event_id: event['event_id'],
          type: event['type'],
          occurred_at: event['occurred_at'],
          command_id,
          prev_hash: event['prev_hash'],
          hash: event['hash'],
          envelope: JSON.stringify(event),
        });
      // Effects of the events the server held, in order: later ones may name earlier ones.
      const reappendedIds = new Set(reappend.map((event) => event.event_id));
      for (const event of serverEvents) {
        writeRow(event, event.event_id);
        ensureNamedCustomer(ctx, event);
        if (!own.some((mine) => mine.event_id === event.event_id && !reappendedIds.has(mine.event_id))) projectEvent(ctx, event, base + event.seq);
      }
      const commandOf = sql(ctx, 'SELECT command_id FROM commands WHERE seq = ?');
      let prev = input.head.hash;
      for (const event of reappend) {
        const seq = newSeq.get(base + event.seq)!;
        const { hash: _old, ...rest } = { ...event, seq: seq - base, prev_hash: prev } as Record<string, unknown>;
        const rehashed = { ...rest, hash: recordHash(rest) };
        parseEvent(rehashed);
        const command = commandOf.get(seq) as { command_id: string } | undefined;
        writeRow(rehashed, command?.command_id ?? event.event_id);
        prev = rehashed.hash;
      }
      // Recovered: the restore is over and sales go back to the till's own series (DESIGN §5).
      sql(
        ctx,
        'UPDATE sync_state SET acked_seq = ?, acked_hash = ?, feed_acked_seq = min(feed_acked_seq, ?), receipt_next = max(receipt_next, ?), restored_at = NULL, receipt_series = NULL WHERE id = 1',
      ).run(base + input.head.seq, input.head.hash, base + input.common_seq, input.receipt_counter + 1);
      sql(ctx, 'UPDATE till_identity SET epoch = ? WHERE id = 1').run(input.epoch);
      recomputeStock(ctx, (sql(ctx, 'SELECT product_id FROM products').all() as { product_id: string }[]).map((row) => row.product_id));
      recomputeCredit(ctx, (sql(ctx, 'SELECT customer_id FROM customers').all() as { customer_id: string }[]).map((row) => row.customer_id));
      return { reappended: reappend.length };
    })
    .immediate();
}

/** Shown until the feed delivers the customer's real name. */
export const placeholder_customer_name = 'Customer (syncing)';

function ensureNamedCustomer(ctx: LedgerContext, event: PaymeEvent): void {
  const customer_id = (event.payload as { customer_id?: unknown }).customer_id;
  if (typeof customer_id !== 'string' || event.type === 'customer_created') return;
  sql(ctx, 'INSERT INTO customers (customer_id, name, credit_limit) VALUES (?, ?, 0) ON CONFLICT (customer_id) DO NOTHING').run(customer_id, placeholder_customer_name);
}

/**
 * Moves every seq reference through the map in two steps (to the negative of the new seq, then
 * back), so an old seq that equals another event's new seq is never confused with it.
 */
function renumber(ctx: LedgerContext, newSeq: ReadonlyMap<number, number>): void {
  ctx.db.exec('CREATE TEMP TABLE IF NOT EXISTS recovery_seq_map (old_seq INTEGER PRIMARY KEY, new_seq INTEGER NOT NULL)');
  ctx.db.exec('DELETE FROM recovery_seq_map');
  const put = ctx.db.prepare('INSERT INTO recovery_seq_map (old_seq, new_seq) VALUES (?, ?)');
  for (const [oldSeq, seq] of newSeq) put.run(oldSeq, seq);
  // Table and column names come from the constant list above, never from input.
  for (const [table, column] of seq_columns) {
    ctx.db.exec(
      `UPDATE ${table} SET ${column} = -(SELECT new_seq FROM recovery_seq_map WHERE old_seq = ${table}.${column})
       WHERE ${column} IN (SELECT old_seq FROM recovery_seq_map)`,
    );
  }
  for (const [table, column] of seq_columns) ctx.db.exec(`UPDATE ${table} SET ${column} = -${column} WHERE ${column} < 0`);
  ctx.db.exec('DELETE FROM recovery_seq_map');
}
