/**
 * What the rollup fold needs from the database, in ONE round trip inside the caller's
 * transaction: the business's calendar (time zone, day cutoff), the cost price of every product
 * the batch sells or refunds, and the stored sales its voids and refunds name (lines, tenders,
 * header amounts, with their products' costs). A stored sale never changes after it is
 * completed except for its status, so reading it here is as good as reading it at any time.
 */
import type { QuantityUnit } from '@payme/shared';
import type { Db } from '../db/db.js';
import { BusinessClock } from './business-day.js';
import { productsToCost, salesToLookUp, type RolledEvent, type RollupContext, type StoredSale } from './rollup-fold.js';

interface ContextRow {
  time_zone: string;
  business_day_cutoff: string;
  costs: { id: string; cost_cents: number | string | null }[];
  sales: {
    sale_id: string;
    subtotal_cents: number | string;
    discount_cents: number | string;
    rounding_cents: number | string;
    lines: { line_id: string; product_id: string; unit: QuantityUnit; quantity: number | string; gross_cents: number | string; vat_cents: number | string; cost_cents: number | string | null }[];
    tenders: { kind: string; amount_cents: number | string }[];
  }[];
}

const select_context = `SELECT b.time_zone, b.business_day_cutoff,
    (SELECT COALESCE(json_agg(json_build_object('id', p.id, 'cost_cents', p.cost_cents)), '[]'::json)
       FROM products p WHERE p.business_id = b.id AND p.id = ANY($2::uuid[])) AS costs,
    (SELECT COALESCE(json_agg(json_build_object(
         'sale_id', s.sale_id, 'subtotal_cents', s.subtotal_cents, 'discount_cents', s.discount_cents, 'rounding_cents', s.rounding_cents,
         'lines', (SELECT COALESCE(json_agg(json_build_object('line_id', l.line_id, 'product_id', l.product_id, 'unit', l.unit, 'quantity', l.quantity,
                                                             'gross_cents', l.gross_cents, 'vat_cents', l.vat_cents, 'cost_cents', p.cost_cents) ORDER BY l.line_no), '[]'::json)
                     FROM sale_lines l LEFT JOIN products p ON p.business_id = l.business_id AND p.id = l.product_id
                    WHERE l.business_id = s.business_id AND l.sale_id = s.sale_id),
         'tenders', (SELECT COALESCE(json_agg(json_build_object('kind', t.kind, 'amount_cents', t.amount_cents) ORDER BY t.tender_no), '[]'::json)
                       FROM tenders t WHERE t.business_id = s.business_id AND t.sale_id = s.sale_id))), '[]'::json)
       FROM sales s WHERE s.business_id = b.id AND s.sale_id = ANY($3::uuid[])) AS sales
  FROM businesses b WHERE b.id = $1`;

export async function loadRollupContext(tx: Db, businessId: string, events: readonly RolledEvent[]): Promise<RollupContext> {
  const rows = await tx.query<ContextRow>(select_context, [businessId, productsToCost(events), salesToLookUp(events)]);
  const row = rows[0];
  if (!row) throw new Error(`loadRollupContext: no business ${businessId}`);
  const costs = new Map<string, number | null>();
  for (const product of row.costs) costs.set(product.id, product.cost_cents === null ? null : Number(product.cost_cents));
  const sales = new Map<string, StoredSale>();
  for (const sale of row.sales) {
    for (const line of sale.lines) if (!costs.has(line.product_id)) costs.set(line.product_id, line.cost_cents === null ? null : Number(line.cost_cents));
    sales.set(sale.sale_id, {
      sale_id: sale.sale_id,
      subtotal_cents: Number(sale.subtotal_cents),
      discount_cents: Number(sale.discount_cents),
      rounding_cents: Number(sale.rounding_cents),
      lines: sale.lines.map((line) => ({
        line_id: line.line_id,
        product_id: line.product_id,
        unit: line.unit,
        quantity: Number(line.quantity),
        gross_cents: Number(line.gross_cents),
        vat_cents: Number(line.vat_cents),
      })),
      tenders: sale.tenders.map((tender) => ({ kind: tender.kind, amount_cents: Number(tender.amount_cents) })),
    });
  }
  return { clock: new BusinessClock({ time_zone: row.time_zone, business_day_cutoff: row.business_day_cutoff }), costs, sales };
}
