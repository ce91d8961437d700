/**
 * The oversold anomaly, decided where it is exact: after the push's net change was added to each
 * level under that level row's lock (so no other push moves it until commit). The level before
 * this push is the returned level minus the push's own net change; replaying the push's movements
 * in order from there shows which sale left a product below zero.
 *
 * One walk over the push's movements (`oversoldCandidates`) gives, per product each sale sold,
 * the push's own running change through that sale. A push finishes the rule in the database under
 * the level rows' locks (payme_push_tail, 006_audit_append.sql); quarantine replay finishes it
 * here (`oversoldFromCandidates`, that SQL in TypeScript). stock-anomalies.test.ts checks this
 * module against a plain replay of the movements; the push tests check the SQL's flags on both
 * databases (ingest-projections.test.ts).
 */
import type { AnomalyRow, ProjectionRows } from './projection-state.js';

/**
 * For each product each sale sold, the push's own running change through that sale (`cum`). The
 * level after the sale is the level before the push plus `cum`; below zero, the sale is flagged
 * with anomaly number `base_no` plus its rank among the event's flags (by `ord`).
 */
export interface OversoldCandidate {
  event_id: string;
  product_id: string;
  till_id: string;
  cum: number;
  base_no: number;
  ord: number;
  approved_by: string | null;
}

export function oversoldCandidates(rows: ProjectionRows): OversoldCandidate[] {
  const base = new Map<string, number>();
  for (const anomaly of rows.anomalies) base.set(anomaly.event_id, Math.max(base.get(anomaly.event_id) ?? 0, anomaly.anomaly_no));
  const cum = new Map<string, number>();
  const out: OversoldCandidate[] = [];
  let eventId: string | null = null;
  let pending = new Map<string, string>();
  const flush = () => {
    if (eventId !== null) {
      for (const [productId, tillId] of pending) {
        out.push({
          event_id: eventId,
          product_id: productId,
          till_id: tillId,
          cum: cum.get(productId) ?? 0,
          base_no: base.get(eventId) ?? 0,
          ord: out.length + 1,
          approved_by: rows.sale_overrides.get(`${eventId}:${productId}`) ?? null,
        });
      }
    }
    pending = new Map();
  };
  for (const move of rows.stock_moves) {
    if (move.event_id !== eventId) {
      flush();
      eventId = move.event_id;
    }
    cum.set(move.product_id, (cum.get(move.product_id) ?? 0) + move.delta);
    if (move.kind === 'sale') pending.set(move.product_id, move.till_id);
  }
  flush();
  return out;
}

/** What payme_push_tail does with the candidates, given the levels after the push. */
export function oversoldFromCandidates(
  candidates: readonly OversoldCandidate[],
  levelsAfter: ReadonlyMap<string, number>,
  deltas: ReadonlyMap<string, number>,
  detectedAt: string,
): AnomalyRow[] {
  const flagged = new Map<string, number>();
  const out: AnomalyRow[] = [];
  for (const candidate of [...candidates].sort((a, b) => a.ord - b.ord)) {
    const after = levelsAfter.get(candidate.product_id);
    if (after === undefined) continue;
    const onHand = after - (deltas.get(candidate.product_id) ?? 0) + candidate.cum;
    if (onHand >= 0) continue;
    const rank = (flagged.get(candidate.event_id) ?? 0) + 1;
    flagged.set(candidate.event_id, rank);
    out.push({
      event_id: candidate.event_id,
      anomaly_no: candidate.base_no + rank,
      kind: 'oversold',
      till_id: candidate.till_id,
      subject: candidate.product_id,
      details: { product_id: candidate.product_id, on_hand: onHand, approved_by: candidate.approved_by },
      detected_at: detectedAt,
    });
  }
  return out;
}

/** The oversold rows of a push, given the levels after it (quarantine replay). */
export function oversoldAnomalies(rows: ProjectionRows, levelsAfter: ReadonlyMap<string, number>, detectedAt: string): AnomalyRow[] {
  return oversoldFromCandidates(oversoldCandidates(rows), levelsAfter, rows.stock_deltas, detectedAt);
}
