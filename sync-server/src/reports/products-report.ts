/**
 * `GET /v1/reports/products`: top sellers (by money, net of refunds and voids) or slow movers
 * (least quantity first, products that sold nothing included), from the daily product rollup.
 */
import type { ProductsReportQuery, ProductsReportResponse } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { Period } from './report-period.js';

/** $1 business, $2/$3 the period, $4 store or null, $5 'top' | 'slow', $6 rows. */
const products_sql = `WITH sold AS (
    SELECT product_id, sum(quantity) AS quantity, sum(net_cents) AS net_cents, sum(cost_cents) AS cost_cents,
           sum(costed_ex_vat_cents) AS costed_ex_vat_cents, sum(uncosted_cents) AS uncosted_cents
      FROM product_rollup_daily
     WHERE business_id = $1 AND business_day BETWEEN $2::date AND $3::date AND ($4::uuid IS NULL OR store_id = $4::uuid)
     GROUP BY product_id
  ), stock AS (
    SELECT product_id, sum(on_hand) AS on_hand FROM stock_levels
     WHERE business_id = $1 AND ($4::uuid IS NULL OR store_id = $4::uuid) GROUP BY product_id
  )
  SELECT p.id::text AS product_id, p.name, p.unit, p.active, COALESCE(s.quantity, 0) AS quantity, COALESCE(s.net_cents, 0) AS net_cents,
         s.cost_cents, s.costed_ex_vat_cents, s.uncosted_cents, COALESCE(k.on_hand, 0) AS on_hand
    FROM products p
    LEFT JOIN sold s ON s.product_id = p.id
    LEFT JOIN stock k ON k.product_id = p.id
   WHERE p.business_id = $1 AND ($5 = 'top' AND s.product_id IS NOT NULL OR $5 = 'slow' AND (p.active OR s.product_id IS NOT NULL))
   ORDER BY CASE WHEN $5 = 'top' THEN -COALESCE(s.net_cents, 0) ELSE COALESCE(s.quantity, 0) END, p.name, p.id
   LIMIT $6`;

interface ProductRow {
  product_id: string;
  name: string;
  unit: string;
  active: boolean;
  quantity: number | string;
  net_cents: number | string;
  cost_cents: number | string | null;
  costed_ex_vat_cents: number | string | null;
  uncosted_cents: number | string | null;
  on_hand: number | string;
}

export async function productsReport(db: Db, businessId: string, query: ProductsReportQuery, period: Period): Promise<ProductsReportResponse> {
  const order = query.order ?? 'top';
  const rows = await db.query<ProductRow>(products_sql, [businessId, period.from, period.to, query.store_id ?? null, order, query.limit]);
  return {
    from: period.from,
    to: period.to,
    order,
    products: rows.map((row) => {
      // Profit only where every line had a cost price; otherwise it would be overstated.
      const costed = row.cost_cents !== null && Number(row.uncosted_cents ?? 0) === 0 && Number(row.costed_ex_vat_cents ?? 0) !== 0;
      return {
        product_id: row.product_id,
        name: row.name,
        unit: row.unit,
        quantity: Number(row.quantity),
        net_cents: Number(row.net_cents),
        cost_cents: costed ? Number(row.cost_cents) : null,
        gross_profit_cents: costed ? Number(row.costed_ex_vat_cents) - Number(row.cost_cents) : null,
        on_hand: Number(row.on_hand),
        active: row.active,
      };
    }),
  };
}
