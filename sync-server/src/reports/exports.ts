/**
 * CSV exports (`GET /v1/exports/<name>.csv`): sales, sale lines, stock and the credit book, with
 * the header row shared's `export_columns` names, written by csv-stringify (quoting, embedded
 * commas and newlines, formula-looking text is left as data). Rows are read a page at a time and
 * streamed, so a 90-day export of a busy shop never sits in memory whole; the pages follow a
 * keyset (sales and lines) or a stable order (stock, credit book), so every row is written once.
 * Money columns are integer cents, as everywhere else in the API.
 */
import { pipeline, Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'csv-stringify';
import { export_columns, export_names, exportQuerySchema, queryEnum, strictObject, type ExportName } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { ServerDeps } from '../deps.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { parseInput } from '../http/errors.js';
import { businessDaySql, periodEndSql, periodStartSql } from './business-day.js';
import { creditBook } from './credit-book.js';
import { resolvePeriod, todayOf, type Period } from './report-period.js';
import { stockLevels } from './stock.js';

/** Rows read per query while streaming an export. */
export const export_page_rows = 1_000;
/** The credit book and stock pages are the API's own, at their largest. */
const api_page_rows = 200;

type Row = Record<string, unknown>;

/** $1 business, $2/$3 the period, $4/$5 the keyset (sold_at, sale_id) after which to read, $6 rows. */
const sales_sql = `SELECT s.sale_id::text AS sale_id, s.receipt_no, s.status, ${businessDaySql('s.sold_at')}::text AS business_day, s.sold_at,
    s.store_id::text AS store_id, s.till_id::text AS till_id, s.cashier_id::text AS cashier_id, s.customer_id::text AS customer_id,
    s.subtotal_cents, s.discount_cents, s.vat_cents, s.rounding_cents, s.total_cents,
    COALESCE((SELECT sum(x.amount_cents) FROM tenders x WHERE x.business_id = s.business_id AND x.sale_id = s.sale_id AND x.kind = 'cash'), 0) AS cash_cents,
    COALESCE((SELECT sum(x.amount_cents) FROM tenders x WHERE x.business_id = s.business_id AND x.sale_id = s.sale_id AND x.kind = 'mpesa'), 0) AS mpesa_cents,
    COALESCE((SELECT sum(x.amount_cents) FROM tenders x WHERE x.business_id = s.business_id AND x.sale_id = s.sale_id AND x.kind = 'credit'), 0) AS credit_cents,
    COALESCE((SELECT sum(r.total_cents) FROM refunds r WHERE r.business_id = s.business_id AND r.sale_id = s.sale_id), 0) AS refunded_cents
   FROM sales s JOIN businesses b ON b.id = s.business_id
  WHERE s.business_id = $1 AND s.sold_at >= ${periodStartSql('$2')} AND s.sold_at < ${periodEndSql('$3')}
    AND ($4::timestamptz IS NULL OR (s.sold_at, s.sale_id) > ($4::timestamptz, $5::uuid))
  ORDER BY s.sold_at, s.sale_id
  LIMIT $6`;

/** The same sales' lines; the keyset is the sale, then the line number. */
const lines_sql = `SELECT s.sale_id::text AS sale_id, s.receipt_no, s.status, ${businessDaySql('s.sold_at')}::text AS business_day, s.sold_at,
    l.line_no, l.product_id::text AS product_id, l.name, l.unit, l.quantity, l.unit_price_cents, l.discount_cents, l.gross_cents,
    l.vat_class, l.vat_cents, l.net_cents
   FROM sales s JOIN businesses b ON b.id = s.business_id
   JOIN sale_lines l ON l.business_id = s.business_id AND l.sale_id = s.sale_id
  WHERE s.business_id = $1 AND s.sold_at >= ${periodStartSql('$2')} AND s.sold_at < ${periodEndSql('$3')}
    AND ($4::timestamptz IS NULL OR (s.sold_at, s.sale_id, l.line_no) > ($4::timestamptz, $5::uuid, $7::int))
  ORDER BY s.sold_at, s.sale_id, l.line_no
  LIMIT $6`;

async function* keysetPages(db: Db, sql: string, businessId: string, period: Period, withLine: boolean): AsyncGenerator<Row> {
  let after: { sold_at: string; sale_id: string; line_no: number } | null = null;
  for (;;) {
    const params: unknown[] = [businessId, period.from, period.to, after?.sold_at ?? null, after?.sale_id ?? null, export_page_rows];
    if (withLine) params.push(after?.line_no ?? 0);
    const rows = await db.query<Row>(sql, params);
    for (const row of rows) {
      const soldAt = new Date(row.sold_at as string).toISOString();
      yield { ...row, sold_at: soldAt };
    }
    const last = rows[rows.length - 1];
    if (rows.length < export_page_rows || last === undefined) return;
    after = { sold_at: new Date(last.sold_at as string).toISOString(), sale_id: last.sale_id as string, line_no: Number(last.line_no ?? 0) };
  }
}

async function* stockRows(db: Db, businessId: string, storeId: string | undefined): AsyncGenerator<Row> {
  let cursor: string | undefined;
  for (;;) {
    const page = await stockLevels(db, businessId, { store_id: storeId, cursor, limit: api_page_rows });
    yield* page.items;
    if (page.next_cursor === null) return;
    cursor = page.next_cursor;
  }
}

async function* creditRows(db: Db, businessId: string, today: string): AsyncGenerator<Row> {
  let cursor: string | undefined;
  for (;;) {
    const page = await creditBook(db, businessId, today, { cursor, limit: api_page_rows });
    for (const customer of page.customers) {
      const { ageing, ...rest } = customer;
      yield { ...rest, ...ageing };
    }
    if (page.next_cursor === null) return;
    cursor = page.next_cursor;
  }
}

const exportParams = strictObject({ name: queryEnum(export_names.map((name) => `${name}.csv`) as [string, ...string[]]) });

export async function registerExportRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/v1/exports/:name', { config: { access: 'manager' } }, async (request, reply) => {
    const principal = request.principal as StaffPrincipal;
    const { name: file } = parseInput(exportParams, request.params, 'params');
    const query = parseInput(exportQuerySchema, request.query, 'query');
    const name = file.slice(0, -'.csv'.length) as ExportName;
    const today = todayOf(principal, deps.clock.now());
    const period = resolvePeriod(query, today);
    const businessId = principal.business_id;
    const rows =
      name === 'sales'
        ? keysetPages(deps.db, sales_sql, businessId, period, false)
        : name === 'sale-lines'
          ? keysetPages(deps.db, lines_sql, businessId, period, true)
          : name === 'stock'
            ? stockRows(deps.db, businessId, query.store_id)
            : creditRows(deps.db, businessId, today);
    const suffix = name === 'sales' || name === 'sale-lines' ? `-${period.from}-to-${period.to}` : `-${today}`;
    const csv = stringify({ header: true, columns: [...export_columns[name]], cast: { boolean: (value) => (value ? 'true' : 'false') } });
    // pipeline, not pipe: a failed read destroys the CSV stream, so the response ends instead of hanging.
    pipeline(Readable.from(rows), csv, (error) => {
      if (error) request.log.error({ err: error, export: name }, 'CSV export failed part-way');
    });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}${suffix}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
}
