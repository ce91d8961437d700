import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyProjectionRows, type AnomalyRow, type ProjectionRows, type StockMoveKind } from './projection-state.js';
import { oversoldAnomalies } from './stock-anomalies.js';

/**
 * The rule as plainly as it can be said, kept here as the model: start each product at its level
 * before the push, replay the movements in order, and flag a sale that leaves a product it sold
 * below zero once all its lines are applied, numbering flags after the event's earlier anomalies.
 */
function replayOversold(rows: ProjectionRows, levelsAfter: ReadonlyMap<string, number>, detectedAt: string): AnomalyRow[] {
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


const products = ['p1', 'p2', 'p3'];
const kinds: StockMoveKind[] = ['sale', 'sale', 'void', 'refund', 'receive', 'adjust'];

/** A push's stock rows: events with consecutive moves, fold anomalies and overrides. */
const pushArb = fc.record({
  events: fc.array(
    fc.record({
      moves: fc.array(fc.record({ product: fc.constantFrom(...products), delta: fc.integer({ min: -50, max: 50 }), kind: fc.constantFrom(...kinds) }), { minLength: 1, maxLength: 4 }),
      prior: fc.integer({ min: 0, max: 2 }),
      override: fc.option(fc.constantFrom(...products), { nil: null }),
    }),
    { maxLength: 8 },
  ),
  before: fc.tuple(fc.integer({ min: -20, max: 60 }), fc.integer({ min: -20, max: 60 }), fc.integer({ min: -20, max: 60 })),
});

describe('oversold anomalies (one walk, finished as the database finishes it)', () => {
  it('flag exactly the sales a plain replay of the movements flags, with the same numbers and details', () => {
    fc.assert(
      fc.property(pushArb, ({ events, before }) => {
        const rows = emptyProjectionRows();
        events.forEach((event, index) => {
          const event_id = `e${index}`;
          for (let n = 1; n <= event.prior; n += 1) {
            const prior: AnomalyRow = { event_id, anomaly_no: n, kind: 'stale_price', till_id: 't', subject: 'x', details: {}, detected_at: 'now' };
            rows.anomalies.push(prior);
          }
          if (event.override) rows.sale_overrides.set(`${event_id}:${event.override}`, 'manager');
          event.moves.forEach((move, line) => {
            rows.stock_moves.push({ event_id, line_no: line + 1, store_id: 's', product_id: move.product, delta: move.delta, kind: move.kind, ref_id: event_id, till_id: 't', occurred_at: 'then' });
            rows.stock_deltas.set(move.product, (rows.stock_deltas.get(move.product) ?? 0) + move.delta);
          });
        });
        const levelsAfter = new Map<string, number>();
        products.forEach((product, index) => {
          if (rows.stock_deltas.has(product)) levelsAfter.set(product, (before[index] as number) + (rows.stock_deltas.get(product) as number));
        });
        expect(oversoldAnomalies(rows, levelsAfter, 'now')).toEqual(replayOversold(rows, levelsAfter, 'now'));
      }),
      { numRuns: 2_000 },
    );
  });
});
