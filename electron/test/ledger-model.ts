/**
 * An independent reading of DESIGN §4 for the property test: the stock and credit effect of each
 * journal event, derived from the event payloads alone (not from the ledger's tables), so the
 * cached figures can be checked against `server level + Σ own entries with seq > acked_seq`.
 */
import type { EventEnvelope, SaleCompletedPayload } from '@payme/shared';

export interface Effects {
  stock: Map<string, number>;
  credit: Map<string, number>;
}

function add(map: Map<string, number>, key: string, delta: number): void {
  map.set(key, (map.get(key) ?? 0) + delta);
}

/** Per event seq: its stock deltas per product and credit deltas per customer. */
export function effectsBySeq(events: readonly EventEnvelope[]): Map<number, Effects> {
  const sales = new Map<string, SaleCompletedPayload>();
  const out = new Map<number, Effects>();
  for (const event of events) {
    const effects: Effects = { stock: new Map(), credit: new Map() };
    const p = event.payload as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    switch (event.type) {
      case 'sale_completed': {
        const sale = p as SaleCompletedPayload;
        sales.set(sale.sale_id, sale);
        for (const line of sale.lines) add(effects.stock, line.product_id, -line.quantity);
        const credit = sale.tenders.filter((t) => t.kind === 'credit').reduce((s, t) => s + t.amount, 0);
        if (credit > 0 && sale.customer_id) add(effects.credit, sale.customer_id, credit);
        break;
      }
      case 'sale_voided': {
        const sale = sales.get(p['sale_id'])!;
        for (const line of sale.lines) add(effects.stock, line.product_id, line.quantity);
        const credit = sale.tenders.filter((t) => t.kind === 'credit').reduce((s, t) => s + t.amount, 0);
        if (credit > 0 && sale.customer_id) add(effects.credit, sale.customer_id, -credit);
        break;
      }
      case 'sale_refunded': {
        for (const line of p['lines']) add(effects.stock, line.product_id, line.quantity);
        const sale = sales.get(p['sale_id'])!;
        for (const tender of p['tenders']) if (tender.kind === 'credit' && sale.customer_id) add(effects.credit, sale.customer_id, -tender.amount);
        break;
      }
      case 'stock_received':
        for (const line of p['lines']) add(effects.stock, line.product_id, line.quantity);
        break;
      case 'stock_adjusted':
        add(effects.stock, p['product_id'], p['delta']);
        break;
      case 'stock_counted':
        for (const line of p['lines']) add(effects.stock, line.product_id, line.counted - line.expected);
        break;
      case 'credit_payment_recorded':
        add(effects.credit, p['customer_id'], -p['amount']);
        break;
      case 'credit_adjusted':
        add(effects.credit, p['customer_id'], p['delta']);
        break;
      default:
        break;
    }
    out.set(event.seq, effects);
  }
  return out;
}

/** The formula: server figure + Σ effects of events beyond the acked seq. */
export function expectedFigures(
  events: readonly EventEnvelope[],
  server: { stock: Map<string, number>; credit: Map<string, number> },
  acked_seq: number,
): Effects {
  const stock = new Map(server.stock);
  const credit = new Map(server.credit);
  for (const [seq, effects] of effectsBySeq(events)) {
    if (seq <= acked_seq) continue;
    for (const [id, delta] of effects.stock) add(stock, id, delta);
    for (const [id, delta] of effects.credit) add(credit, id, delta);
  }
  return { stock, credit };
}
