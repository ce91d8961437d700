/**
 * The sell screen's quick items (issue 7: a favourites grid for touch screens and goods without
 * a label). DESIGN and UX do not define favourites, and the server has no owner-pinned list, so
 * they are what this till actually sells: the products on the most sales over the last
 * `favourites_window_days` business days (voided sales do not count), most often first, ties by
 * name. A till with no sales yet has none, and the grid stays hidden.
 */
import type { TillOutput } from '@payme/shared';
import { sql, type LedgerContext } from './context.js';
import { parseCommandInput } from './inputs.js';
import type { ProductRow } from './pricing.js';
import { productRecord } from './queries.js';
import { businessDayOf } from './settings.js';

export const favourites_window_days = 30;
const day_ms = 86_400_000;

export function favouriteProducts(ctx: LedgerContext, raw: unknown): TillOutput<'favouriteProducts'> {
  const input = parseCommandInput('favouriteProducts', raw);
  const since = businessDayOf(ctx, ctx.clock.now() - (favourites_window_days - 1) * day_ms);
  // Counted per sale, not per quantity: 2 kg of sugar is one customer asking for sugar.
  const rows = sql(
    ctx,
    `SELECT p.product_id, p.name, p.sku, p.barcode, p.unit, p.unit_price, p.vat_class, p.stock_policy, p.active, p.on_hand
     FROM (SELECT l.product_id, count(DISTINCT l.sale_id) AS sales
           FROM sales s JOIN sale_lines l ON l.sale_id = s.sale_id
           WHERE s.business_date >= ? AND s.voided_seq IS NULL
           GROUP BY l.product_id) f
     JOIN products p ON p.product_id = f.product_id
     WHERE p.active = 1
     ORDER BY f.sales DESC, p.name
     LIMIT ?`,
  ).all(since, input.limit) as ProductRow[];
  return { products: rows.map(productRecord) };
}
