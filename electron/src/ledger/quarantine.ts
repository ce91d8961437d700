/**
 * Marks for the events the server quarantined (DESIGN §5): the event stays in the journal and the
 * till moves on, but the owner must see it, across restarts. The server's reason is kept as sent.
 */
import { PaymeError, boundedInt, reason_chars_max } from '@payme/shared';
import { sql, type LedgerContext } from './context.js';
import { chainBase } from './outbox.js';

export interface QuarantineMark {
  seq: number;
  event_id: string;
  reason: string;
}

const seqInput = boundedInt(1, Number.MAX_SAFE_INTEGER);

/** Records (or refreshes) the mark for the event at `seq`; the event must be in the journal. */
export function markQuarantined(ctx: LedgerContext, seq: unknown, reason: unknown): QuarantineMark {
  const parsed = seqInput.safeParse(seq);
  if (!parsed.success) throw new PaymeError('invalid_input', 'seq: must be a positive whole number', 'seq');
  // `seq` is the server's (this till's chain); marks are kept by local seq like the journal.
  const local = chainBase(ctx) + parsed.data;
  const row = sql(ctx, 'SELECT event_id FROM outbox WHERE seq = ?').get(local) as { event_id: string } | undefined;
  if (row === undefined) throw new PaymeError('not_found', `seq: this till holds no event ${parsed.data}`, 'seq');
  // The reason is the server's text: kept bounded, never refused (nothing the server says is lost).
  const text = (typeof reason === 'string' && reason.length > 0 ? reason : 'quarantined by the server').slice(0, reason_chars_max * 4);
  sql(ctx, 'INSERT INTO quarantine_marks (seq, event_id, reason) VALUES (?, ?, ?) ON CONFLICT (seq) DO UPDATE SET event_id = excluded.event_id, reason = excluded.reason').run(
    local,
    row.event_id,
    text,
  );
  return { seq: parsed.data, event_id: row.event_id, reason: text };
}

export function quarantinedCount(ctx: LedgerContext): number {
  return (sql(ctx, 'SELECT count(*) AS n FROM quarantine_marks').get() as { n: number }).n;
}

/** The marks in seq order, at most `limit`. */
export function quarantinedEvents(ctx: LedgerContext, limit = 1_000): QuarantineMark[] {
  // Marks of a previous identity's events (before chain_base) show with their local seq.
  const base = chainBase(ctx);
  const marks = sql(ctx, 'SELECT seq, event_id, reason FROM quarantine_marks ORDER BY seq LIMIT ?').all(limit) as QuarantineMark[];
  return base === 0 ? marks : marks.map((mark) => (mark.seq > base ? { ...mark, seq: mark.seq - base } : mark));
}
