/**
 * The owner web view's reads (DESIGN §12, sync-server/README.md "Owner web view API"): money
 * reports, sales, the credit book, M-Pesa reconciliation, stock and anomalies, shifts and
 * Z-reports, alarms and CSV exports. Every route is for an owner or a manager (`access:
 * 'manager'`), filters by the caller's business, and parses its query with shared's schema, so a
 * bad filter is a 400 naming the field. Periods are business days in the business's time zone
 * and cutoff, read from the session (principal.business).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  anomaliesQuerySchema,
  anomalyAcknowledgeBodySchema,
  anomalyParamsSchema,
  creditBookQuerySchema,
  creditStatementQuerySchema,
  customerParamsSchema,
  isoAt,
  mpesaReconciliationQuerySchema,
  productParamsSchema,
  productsReportQuerySchema,
  saleParamsSchema,
  salesQuerySchema,
  shiftParamsSchema,
  shiftsQuerySchema,
  stockMovementsQuerySchema,
  stockQuerySchema,
  strictObject,
  summaryQuerySchema,
} from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { parseInput } from '../http/errors.js';
import { alarms } from './alarms.js';
import { creditBook, creditStatement } from './credit-book.js';
import { registerExportRoutes } from './exports.js';
import { mpesaReconciliation } from './mpesa-reconciliation.js';
import { productsReport } from './products-report.js';
import { resolvePeriod, todayOf } from './report-period.js';
import { saleDetail } from './sale-detail.js';
import { listSales } from './sales-list.js';
import { listShifts, shiftDetail } from './shifts.js';
import { acknowledgeAnomaly, listAnomalies, stockLevels, stockMovements } from './stock.js';
import { planSummary, runSummary, shapeSummary } from './summary.js';

const manager = { config: { access: 'manager' } } as const;
const noQuery = strictObject({});
const principalOf = (request: FastifyRequest) => request.principal as StaffPrincipal;

export async function registerReportRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const { db, clock } = deps;

  app.get('/v1/reports/summary', manager, async (request) => {
    const principal = principalOf(request);
    const query = parseInput(summaryQuerySchema, request.query, 'query');
    const now = clock.now();
    const today = todayOf(principal, now);
    const plan = planSummary(query, resolvePeriod(query, today));
    const row = await runSummary(db, principal.business_id, plan);
    return shapeSummary(plan, row, principal.business, today, isoAt(now));
  });

  app.get('/v1/reports/products', manager, async (request) => {
    const principal = principalOf(request);
    const query = parseInput(productsReportQuerySchema, request.query, 'query');
    return productsReport(db, principal.business_id, query, resolvePeriod(query, todayOf(principal, clock.now())));
  });

  app.get('/v1/reports/mpesa', manager, async (request) => {
    const principal = principalOf(request);
    const query = parseInput(mpesaReconciliationQuerySchema, request.query, 'query');
    return mpesaReconciliation(db, principal.business_id, query.day ?? todayOf(principal, clock.now()));
  });

  app.get('/v1/sales', manager, async (request) => {
    const principal = principalOf(request);
    const query = parseInput(salesQuerySchema, request.query, 'query');
    // A receipt number alone finds its sale whatever the day; otherwise the period (default today).
    const byReceiptOnly = query.receipt_no !== undefined && query.from === undefined && query.to === undefined;
    const period = byReceiptOnly ? null : resolvePeriod(query, todayOf(principal, clock.now()));
    return listSales(db, principal.business_id, query, period);
  });

  app.get('/v1/sales/:sale_id', manager, async (request) => {
    const { sale_id } = parseInput(saleParamsSchema, request.params, 'params');
    return saleDetail(db, principalOf(request).business_id, sale_id);
  });

  app.get('/v1/credit', manager, async (request) => {
    const principal = principalOf(request);
    const query = parseInput(creditBookQuerySchema, request.query, 'query');
    return creditBook(db, principal.business_id, todayOf(principal, clock.now()), query);
  });

  app.get('/v1/credit/:customer_id', manager, async (request) => {
    const principal = principalOf(request);
    const { customer_id } = parseInput(customerParamsSchema, request.params, 'params');
    const query = parseInput(creditStatementQuerySchema, request.query, 'query');
    return creditStatement(db, { id: principal.business_id, name: principal.business.name }, todayOf(principal, clock.now()), customer_id, query);
  });

  app.get('/v1/stock', manager, async (request) => {
    const query = parseInput(stockQuerySchema, request.query, 'query');
    return stockLevels(db, principalOf(request).business_id, query);
  });

  app.get('/v1/stock/:product_id/movements', manager, async (request) => {
    const { product_id } = parseInput(productParamsSchema, request.params, 'params');
    const query = parseInput(stockMovementsQuerySchema, request.query, 'query');
    return stockMovements(db, principalOf(request).business_id, product_id, query);
  });

  app.get('/v1/anomalies', manager, async (request) => {
    const query = parseInput(anomaliesQuerySchema, request.query, 'query');
    return listAnomalies(db, principalOf(request).business_id, query);
  });

  // A manager may acknowledge anomalies (DESIGN §12); the acknowledgement is audited.
  app.post('/v1/anomalies/:event_id/:anomaly_no/acknowledge', manager, async (request) => {
    const principal = principalOf(request);
    const key = parseInput(anomalyParamsSchema, request.params, 'params');
    const body = parseInput(anomalyAcknowledgeBodySchema, request.body ?? {});
    const anomaly = await db.transaction(async (tx) => {
      const now = clock.now();
      const acknowledged = await acknowledgeAnomaly(tx, principal.business_id, key, principal.staff_id, body.note ?? null, now);
      await deps.audit.append(tx, principal.business_id, {
        kind: 'anomaly.acknowledged',
        actor: principal.staff_id,
        subject: key.event_id,
        data: { anomaly_no: key.anomaly_no, kind: acknowledged.kind, note: body.note ?? null },
        occurred_at: isoAt(now),
      });
      return acknowledged;
    });
    await deps.audit.maybeCheckpoint(db, principal.business_id).catch((error: unknown) => request.log.error({ err: error }, 'checkpoint after acknowledge failed'));
    return anomaly;
  });

  app.get('/v1/shifts', manager, async (request) => {
    const query = parseInput(shiftsQuerySchema, request.query, 'query');
    return listShifts(db, principalOf(request).business_id, query);
  });

  app.get('/v1/shifts/:shift_id', manager, async (request) => {
    const { shift_id } = parseInput(shiftParamsSchema, request.params, 'params');
    return shiftDetail(db, principalOf(request).business_id, shift_id);
  });

  app.get('/v1/alarms', manager, async (request) => {
    parseInput(noQuery, request.query ?? {}, 'query');
    return alarms(db, principalOf(request).business_id, clock.now());
  });

  await registerExportRoutes(app, deps);
}
