/**
 * The oversold anomaly, decided where it is exact: after the push's net change was added to each
 * level under that level row's lock (so no other push moves it until commit). The level before
 * this push is the returned level minus the push's own net change; replaying the push's movements
 * in order from there shows which sale left a product below zero.
 */
import type { AnomalyRow, ProjectionRows } from './projection-state.js';

export function oversoldAnomalies(rows: ProjectionRows, levelsAfter: ReadonlyMap<string, number>, detectedAt: string): AnomalyRow[] {
  const running = new Map<string, number>();
  for (const [productId, after] of levelsAfter) running.set(productId, after - (rows.stock_deltas.get(productId) ?? 0));
  const numbered = new Map<string, number>();
  for (const anomaly of rows.anomalies) numbered.set(anomaly.event_id, Math.max(numbered.get(anomaly.event_id) ?? 0, anomaly.anomaly_no));

  const out: AnomalyRow[] = [];
  // Movements of one event are consecutive; a sale is judged once all its lines are applied.
  let eventId: string | null = null;
  let pending = new Map<string, string>();
  const flush = () => {
    for (const [productId, tillId] of pending) {
      const onHand = running.get(productId) ?? 0;
      if (onHand >= 0 || eventId === null) continue;
      const anomaly_no = (numbered.get(eventId) ?? 0) + 1;
      numbered.set(eventId, anomaly_no);
      out.push({
        event_id: eventId,
        anomaly_no,
        kind: 'oversold',
        till_id: tillId,
        subject: productId,
        details: { product_id: productId, on_hand: onHand, approved_by: rows.sale_overrides.get(`${eventId}:${productId}`) ?? null },
        detected_at: detectedAt,
      });
    }
    pending = new Map();
  };
  for (const move of rows.stock_moves) {
    if (move.event_id !== eventId) {
      flush();
      eventId = move.event_id;
    }
    running.set(move.product_id, (running.get(move.product_id) ?? 0) + move.delta);
    if (move.kind === 'sale') pending.set(move.product_id, move.till_id);
  }
  flush();
  return out;
}
