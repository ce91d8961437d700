/**
 * A fenced clone becomes a new till (DESIGN §5 "Diverged history"): two PCs ran from one disk,
 * the other one kept the till's identity, and this one re-enrolled with an owner-issued code.
 * In ONE transaction its unacknowledged events are re-appended under the new till id — original
 * event ids and payloads (the receipts printed for them keep their numbers), new seqs from 1 on
 * the new till's chain, new hashes — and sales from now on take the new till's receipt series.
 *
 * The journal keeps one local seq space: the new chain starts after `chain_base` (= the old
 * identity's acknowledged seq), so chain seq n is local seq chain_base + n. Every row that names
 * a local seq (sales, stock and credit entries, shifts, commands) stays exactly as it is, the old
 * identity's history stays readable (refunds of earlier sales, the open shift), and the balance
 * formula of DESIGN §4 stays exact: the feed's acked seq for the new till is counted from the
 * base, so the old till's acknowledged movements leave the sum when the levels that include
 * them arrive. The envelopes as the old till signed them are kept in `outbox_moved`.
 */
import { PaymeError, genesis_hash, isoAt, parseEvent, parseInput, recordHash } from '@payme/shared';
import { sql, type LedgerContext } from './context.js';
import { requireIdentity, tillIdentityInput, type TillIdentity } from './identity.js';
import { ackedLocalSeq } from './outbox.js';

export interface MoveToNewTillResult {
  /** How many unacknowledged events now wait to be pushed under the new till id. */
  reappended: number;
  till_id: string;
  /** The local seq after which the new till's chain begins. */
  chain_base: number;
}

interface OutboxRow {
  seq: number;
  event_id: string;
  command_id: string;
  envelope: string;
}

export function moveToNewTill(ctx: LedgerContext, raw: unknown): MoveToNewTillResult {
  const next: TillIdentity = parseInput(tillIdentityInput, raw);
  return ctx.db
    .transaction((): MoveToNewTillResult => {
      const current = requireIdentity(ctx);
      if (next.till_id === current.till_id) {
        throw new PaymeError('invalid_input', 'till_id: the new till must have a new id; enroll this PC with a new enrollment code', 'till_id');
      }
      if (next.business_id !== current.business_id) {
        throw new PaymeError('invalid_input', "business_id: the enrollment code belongs to another business; ask this shop's owner for a code", 'business_id');
      }
      const base = ackedLocalSeq(ctx);
      const moving = sql(ctx, 'SELECT seq, event_id, command_id, envelope FROM outbox WHERE seq > ? ORDER BY seq').all(base) as OutboxRow[];
      const keep = sql(ctx, 'INSERT INTO outbox_moved (original_seq, till_id, event_id, envelope) VALUES (?, ?, ?, ?)');
      for (const row of moving) keep.run(row.seq, current.till_id, row.event_id, row.envelope);
      // Rows are re-inserted at the same local seq: the rows pointing at them stay valid at commit.
      ctx.db.pragma('defer_foreign_keys = ON');
      sql(ctx, 'DELETE FROM outbox WHERE seq > ?').run(base);
      const insert = sql(
        ctx,
        `INSERT INTO outbox (seq, event_id, type, occurred_at, command_id, prev_hash, hash, envelope)
         VALUES (@seq, @event_id, @type, @occurred_at, @command_id, @prev_hash, @hash, @envelope)`,
      );
      let prev: string | null = null;
      for (const row of moving) {
        const { hash: _old, ...original } = JSON.parse(row.envelope) as Record<string, unknown>;
        const unhashed: Record<string, unknown> = { ...original, till_id: next.till_id, seq: row.seq - base, prev_hash: prev ?? genesis_hash };
        const envelope: Record<string, unknown> & { hash: string } = { ...unhashed, hash: recordHash(unhashed) };
        parseEvent(envelope);
        insert.run({
          seq: row.seq,
          event_id: row.event_id,
          type: envelope['type'],
          occurred_at: envelope['occurred_at'],
          command_id: row.command_id,
          prev_hash: unhashed['prev_hash'],
          hash: envelope.hash,
          envelope: JSON.stringify(envelope),
        });
        prev = envelope.hash;
      }
      sql(ctx, 'INSERT OR REPLACE INTO till_chains (base, till_id, receipt_prefix, started_at) VALUES (?, ?, ?, ?)').run(
        base,
        next.till_id,
        next.receipt_prefix,
        isoAt(ctx.clock.now()),
      );
      // A new till: its own receipt series from 1, nothing acknowledged on its chain yet.
      sql(ctx, 'UPDATE sync_state SET chain_base = ?, acked_hash = NULL, receipt_next = 1, receipt_series = NULL, restored_at = NULL WHERE id = 1').run(base);
      sql(
        ctx,
        `UPDATE till_identity SET till_id = @till_id, business_id = @business_id, store_id = @store_id, receipt_prefix = @receipt_prefix,
           epoch = @epoch, server_public_key = @server_public_key WHERE id = 1`,
      ).run(next);
      return { reappended: moving.length, till_id: next.till_id, chain_base: base };
    })
    .immediate();
}
