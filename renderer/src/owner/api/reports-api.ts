/**
 * The owner's money and operations reads (issue 13): one function per endpoint, each answer
 * parsed with shared's schema. The query keys' first element is what the live feed invalidates
 * (live-feed.ts `stale_by_kind`), so a page refreshes when a till's push lands.
 */
import { z } from 'zod';
import {
  alarmsResponseSchema,
  creditBookResponseSchema,
  creditStatementResponseSchema,
  enrollmentCodeCreatedSchema,
  enrollmentCodesResponseSchema,
  mpesaReconciliationResponseSchema,
  saleDetailResponseSchema,
  salesResponseSchema,
  stockMovementsResponseSchema,
  stockResponseSchema,
  summaryResponseSchema,
  tillRowSchema,
  tillsResponseSchema,
  uuid,
} from '@payme/shared';
import type { OwnerHttp } from './owner-http.js';

export type Query = Record<string, string | number | undefined>;

const storesResponseSchema = z.object({ stores: z.array(z.object({ id: uuid, name: z.string() })) });

/** What the resolve route takes (sync-server/src/mpesa/unmatched-resolve.ts). */
export type ResolveBody =
  | { resolution: 'matched_to_sale'; sale_id: string; note?: string }
  | { resolution: 'refunded_to_customer'; via: 'mpesa_reversal' | 'outside'; note?: string }
  | { resolution: 'dismissed'; reason: string };

const resolvedAnswer = z.looseObject({ item_id: uuid });

export function createReportsApi(http: OwnerHttp) {
  return {
    summary: (query: Query) => http.get('/v1/reports/summary', summaryResponseSchema, query),
    alarms: () => http.get('/v1/alarms', alarmsResponseSchema),
    stores: () => http.get('/v1/stores', storesResponseSchema),
    sales: (query: Query) => http.get('/v1/sales', salesResponseSchema, query),
    sale: (saleId: string) => http.get(`/v1/sales/${encodeURIComponent(saleId)}`, saleDetailResponseSchema),
    stock: (query: Query) => http.get('/v1/stock', stockResponseSchema, query),
    movements: (productId: string, query: Query) => http.get(`/v1/stock/${encodeURIComponent(productId)}/movements`, stockMovementsResponseSchema, query),
    creditBook: (query: Query) => http.get('/v1/credit', creditBookResponseSchema, query),
    statement: (customerId: string) => http.get(`/v1/credit/${encodeURIComponent(customerId)}`, creditStatementResponseSchema),
    mpesa: (query: Query) => http.get('/v1/reports/mpesa', mpesaReconciliationResponseSchema, query),
    resolve: (itemId: string, body: ResolveBody, idempotencyKey: string) =>
      http.send('POST', `/v1/mpesa/unmatched/${encodeURIComponent(itemId)}/resolve`, body, resolvedAnswer, { idempotencyKey }),
    tills: () => http.get('/v1/tills', tillsResponseSchema),
    retireTill: (tillId: string, reason: string) => http.send('POST', `/v1/tills/${encodeURIComponent(tillId)}/retire`, { reason }, tillRowSchema),
    enrollmentCodes: () => http.get('/v1/enrollment-codes', enrollmentCodesResponseSchema),
    createEnrollmentCode: (storeId: string) => http.send('POST', '/v1/enrollment-codes', { store_id: storeId }, enrollmentCodeCreatedSchema),
    revokeEnrollmentCode: (codeId: string) => http.send('DELETE', `/v1/enrollment-codes/${encodeURIComponent(codeId)}`, undefined, z.unknown()),
  };
}

export type ReportsApi = ReturnType<typeof createReportsApi>;
