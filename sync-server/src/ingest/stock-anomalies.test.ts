import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyProjectionRows, type AnomalyRow, type StockMoveKind } from './projection-state.js';
import { oversoldAnomalies, oversoldCandidates, oversoldFromCandidates } from './stock-anomalies.js';

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

describe('oversold anomalies finished by the database', () => {
  it('flag exactly the sales oversoldAnomalies flags, with the same numbers and details', () => {
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
        const viaDatabase = oversoldFromCandidates(oversoldCandidates(rows), levelsAfter, rows.stock_deltas, 'now');
        expect(viaDatabase).toEqual(oversoldAnomalies(rows, levelsAfter, 'now'));
      }),
      { numRuns: 2_000 },
    );
  });
});
