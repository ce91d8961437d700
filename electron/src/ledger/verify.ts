/**
 * The integrity check (DESIGN §4): recomputes every cached balance by its formula, re-verifies
 * the outbox hash chain and each event's schema, and checks that every sale in the journal has
 * all of its rows (and no sale exists without its event). Returns every difference; empty
 * means the ledger is consistent.
 */
import { genesis_hash, safeParseEvent, verifyChain, type ChainedRecord, type SaleCompletedPayload } from '@payme/shared';
import { balanceDifferences, type BalanceDifference } from './balances.js';
import type { LedgerContext } from './context.js';

export type LedgerDifference =
  | ({ check: 'balance' } & BalanceDifference)
  | { check: 'chain'; seq: number; problem: string; expected?: unknown; actual?: unknown }
  | { check: 'event_schema'; seq: number; field: string | undefined; message: string }
  | { check: 'sale'; seq: number; sale_id: string; problem: string };

interface OutboxRow {
  seq: number;
  event_id: string;
  type: string;
  prev_hash: string;
  hash: string;
  envelope: string;
}

export function verifyLedger(ctx: LedgerContext): LedgerDifference[] {
  const differences: LedgerDifference[] = balanceDifferences(ctx).map((difference) => ({ check: 'balance' as const, ...difference }));
  const rows = ctx.db.prepare('SELECT seq, event_id, type, prev_hash, hash, envelope FROM outbox ORDER BY seq').all() as OutboxRow[];
  const envelopes = rows.map((row) => JSON.parse(row.envelope) as ChainedRecord);
  // A clone moved to a new till (DESIGN §5) holds one chain per identity, each from genesis at
  // its base (local seq = base + chain seq); a till never moved has one chain at base 0.
  const bases = [0, ...(ctx.db.prepare('SELECT base FROM till_chains WHERE base > 0 ORDER BY base').all() as { base: number }[]).map((row) => row.base)];
  const baseOf = (seq: number) => bases.filter((base) => base < seq).at(-1) ?? 0;
  rows.forEach((row, index) => {
    const envelope = envelopes[index]!;
    if (envelope.seq !== row.seq - baseOf(row.seq) || envelope.hash !== row.hash || envelope.prev_hash !== row.prev_hash || envelope['event_id'] !== row.event_id) {
      differences.push({ check: 'chain', seq: row.seq, problem: 'columns_differ_from_envelope' });
    }
    const parsed = safeParseEvent(envelope);
    if (!parsed.success) differences.push({ check: 'event_schema', seq: row.seq, field: parsed.error.field, message: parsed.error.message });
  });
  bases.forEach((base, index) => {
    const end = bases[index + 1] ?? Number.MAX_SAFE_INTEGER;
    const chain = envelopes.filter((_, at) => rows[at]!.seq > base && rows[at]!.seq <= end);
    const broken = verifyChain(chain, 1, genesis_hash);
    if (broken !== null) differences.push({ check: 'chain', seq: base + broken.seq, problem: broken.problem, expected: broken.expected, actual: broken.actual });
  });
  differences.push(...saleDifferences(ctx, rows));
  return differences;
}

/** Every sale_completed event has its sale, lines, tenders and stock movements, and vice versa. */
function saleDifferences(ctx: LedgerContext, rows: readonly OutboxRow[]): LedgerDifference[] {
  const differences: LedgerDifference[] = [];
  const saleBySeq = ctx.db.prepare('SELECT sale_id FROM sales WHERE seq = ?');
  const lineCount = ctx.db.prepare('SELECT count(*) AS n FROM sale_lines WHERE sale_id = ?');
  const tenderCount = ctx.db.prepare('SELECT count(*) AS n FROM sale_tenders WHERE sale_id = ?');
  const movedBySeq = ctx.db.prepare("SELECT coalesce(sum(delta), 0) AS moved FROM stock_movements WHERE seq = ? AND kind = 'sale'");
  let sales = 0;
  for (const row of rows) {
    if (row.type !== 'sale_completed') continue;
    sales += 1;
    const sale = (JSON.parse(row.envelope) as { payload: SaleCompletedPayload }).payload;
    const problem = (text: string) => differences.push({ check: 'sale', seq: row.seq, sale_id: sale.sale_id, problem: text });
    const stored = saleBySeq.get(row.seq) as { sale_id: string } | undefined;
    if (stored?.sale_id !== sale.sale_id) {
      problem('sale row missing');
      continue;
    }
    if ((lineCount.get(sale.sale_id) as { n: number }).n !== sale.lines.length) problem('sale lines missing');
    if ((tenderCount.get(sale.sale_id) as { n: number }).n !== sale.tenders.length) problem('tenders missing');
    const quantity = sale.lines.reduce((sum, line) => sum + line.quantity, 0);
    if ((movedBySeq.get(row.seq) as { moved: number }).moved !== -quantity) problem('stock movements differ from the lines');
  }
  const stored = (ctx.db.prepare('SELECT count(*) AS n FROM sales').get() as { n: number }).n;
  if (stored !== sales) differences.push({ check: 'sale', seq: 0, sale_id: '', problem: `${stored} sales stored for ${sales} sale events` });
  return differences;
}
