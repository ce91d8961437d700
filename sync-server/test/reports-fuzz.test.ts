/**
 * Bad input on the owner's report routes (issue 13): generated query strings, path ids and
 * bodies — valid, nearly valid and hostile — never yield a 500. Every refusal is a 400 with a
 * code and the field it names; the reads write nothing, and a refused acknowledgement changes
 * nothing.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { login, testDatabases, type Session, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { fuzzRuns, fuzzSeed, fuzzTimeout } from './support/fuzz-size.js';

const runs = { pglite: fuzzRuns(1_500), postgres: fuzzRuns(400) };

const hostile = fc.constantFrom(
  '', ' ', '0', '-1', '1.5', '1e3', '0x10', 'NaN', 'null', 'true', 'yes', '2026-02-30', '2026-13-01', '1999-12-31', '9999-12-31', '26/11/2026',
  '2026-11-26T00:00:00Z', 'a\u0000b', '\ud800', '%', '_', "'; DROP TABLE sales; --", 'x'.repeat(300), '💸', '00000000-0000-0000-0000-000000000000',
  'T1-000001', 't1-1', 'eyJ4Ijoy', 'WyIyMDI2LTExLTI2VDA4OjAwOjAwLjAwMFoiLCJub3BlIl0', 'WzEsMiwzXQ', 'Wy0xXQ', 'WzFlOTld',
);
const day = fc.oneof(fc.date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)), hostile);
const uuidish = fc.oneof(fc.uuid(), hostile);
const small = fc.oneof(fc.integer({ min: -5, max: 500 }).map(String), hostile);
const value = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 5, arbitrary: valid }, { weight: 2, arbitrary: hostile }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });

/** Each read route with the parameters it knows; a stray parameter is added now and then. */
const routes: { path: (ids: Ids) => string; params: Record<string, fc.Arbitrary<string>> }[] = [
  { path: () => '/v1/reports/summary', params: { from: day, to: day, store_id: uuidish, by: value(fc.constantFrom('hour', 'day')) } },
  { path: () => '/v1/reports/products', params: { from: day, to: day, store_id: uuidish, order: value(fc.constantFrom('top', 'slow')), limit: small } },
  { path: () => '/v1/reports/mpesa', params: { day } },
  {
    path: () => '/v1/sales',
    params: { from: day, to: day, till_id: uuidish, cashier_id: uuidish, tender: value(fc.constantFrom('cash', 'mpesa', 'credit')), status: value(fc.constantFrom('completed', 'voided')), receipt_no: value(fc.constantFrom('T1-000001', 'T1-000002')), cursor: hostile, limit: small },
  },
  { path: (ids) => `/v1/sales/${ids.sale}`, params: {} },
  { path: () => '/v1/credit', params: { sort: value(fc.constantFrom('amount', 'age')), over_limit: value(fc.constantFrom('true', 'false')), cursor: hostile, limit: small } },
  { path: (ids) => `/v1/credit/${ids.customer}`, params: { from: day, to: day } },
  { path: () => '/v1/stock', params: { store_id: uuidish, low: value(fc.constantFrom('true', 'false')), q: value(fc.constantFrom('sugar', 'a%', '_')), cursor: hostile, limit: small } },
  { path: (ids) => `/v1/stock/${ids.product}/movements`, params: { from: day, to: day, store_id: uuidish, cursor: hostile, limit: small } },
  { path: () => '/v1/anomalies', params: { status: value(fc.constantFrom('open', 'acknowledged', 'all')), kind: value(fc.constantFrom('oversold', 'credit_over_limit')), cursor: hostile, limit: small } },
  { path: () => '/v1/shifts', params: { from: day, to: day, till_id: uuidish, status: value(fc.constantFrom('open', 'closed')), cursor: hostile, limit: small } },
  { path: () => '/v1/alarms', params: {} },
  { path: () => '/v1/tills', params: {} },
  { path: (ids) => `/v1/products/${ids.product}/tills`, params: {} },
  { path: () => '/v1/exports/sales.csv', params: { from: day, to: day } },
  { path: () => '/v1/exports/stock.csv', params: { store_id: uuidish } },
];

interface Ids {
  sale: string;
  customer: string;
  product: string;
}

const request = fc.integer({ min: 0, max: routes.length - 1 }).chain((index) =>
  fc.record({
    index: fc.constant(index),
    params: fc.record(routes[index]!.params, { requiredKeys: [] }),
    stray: fc.option(fc.tuple(fc.constantFrom('offset', 'x', 'from', '__proto__', 'constructor'), hostile), { freq: 6 }),
    pathId: fc.option(hostile, { freq: 5 }),
  }),
);

/** A path segment as a browser would send it; a lone surrogate goes as the bytes it would have been. */
function encodePathId(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

async function businessCounts(db: { query<T>(sql: string, params: unknown[]): Promise<T[]> }, businessId: string): Promise<string> {
  const rows = await db.query(
    `SELECT (SELECT audit_seq FROM businesses WHERE id = $1) AS audit, (SELECT feed_seq FROM businesses WHERE id = $1) AS feed,
            (SELECT count(*) FROM anomalies WHERE business_id = $1 AND acknowledged_at IS NOT NULL) AS acked,
            (SELECT count(*) FROM sales_rollup_daily WHERE business_id = $1) AS rollups`,
    [businessId],
  );
  return JSON.stringify(rows);
}

for (const target of testDatabases()) {
  describe(`report routes under bad input (${target.name})`, () => {
    const t = useServerSuite(target);
    let business: TestBusiness;
    let owner: Session;
    const ids: Ids = { sale: '', customer: '01900000-0000-7000-8000-00000000c00f', product: '' };

    beforeAll(async () => {
      const made = await t.newBusinessWithTill();
      business = made.business;
      owner = await login(t.app, business.owner.email, business.owner.password);
      const till = made.till;
      const customer = till.event('customer_created', { customer_id: ids.customer, name: 'Mama Njeri', credit_limit: 10_000 });
      const sale = till.sale([[business.products[2]!, 3]], { tender: 'credit', customer_id: ids.customer });
      ids.sale = (sale['payload'] as { sale_id: string }).sale_id;
      ids.product = business.products[2]!.id;
      expect((await t.push(business, [customer, sale, till.sale([[business.products[0]!, 1]])])).statusCode).toBe(200);
    });

    it(`never answers 500 and names the field of every refusal (${runs[target.name]} requests)`, async () => {
      const before = await businessCounts(t.db, business.business_id);
      await fc.assert(
        fc.asyncProperty(request, async ({ index, params, stray, pathId }) => {
          const route = routes[index]!;
          const query = new URLSearchParams(params as Record<string, string>);
          if (stray) query.append(stray[0], stray[1]);
          const id = pathId === null ? null : encodePathId(pathId);
          const path = route.path(id === null ? ids : { sale: id, customer: id, product: id });
          const url = `${path}${query.size > 0 ? `?${query.toString()}` : ''}`;
          const response = await t.app.inject({ method: 'GET', url, headers: owner.bearer });
          expect(response.statusCode, `${url} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
          if (response.statusCode === 400) {
            const body = response.json() as { code?: string; field?: string; message?: string };
            // A path no URL decoder can read is refused before routing (`bad_url`, field `url`).
            expect(['invalid_input', 'bad_url'], url).toContain(body.code);
            expect(typeof body.field, `${url} names no field: ${response.body}`).toBe('string');
          }
        }),
        { numRuns: runs[target.name], seed: fuzzSeed(13) },
      );
      expect(await businessCounts(t.db, business.business_id)).toBe(before);
    }, fuzzTimeout(60_000));

    it('a refused acknowledgement changes nothing', async () => {
      const before = await businessCounts(t.db, business.business_id);
      const anomalies = (await t.app.inject({ method: 'GET', url: '/v1/anomalies', headers: owner.bearer })).json().anomalies as { event_id: string; anomaly_no: number }[];
      expect(anomalies.length).toBeGreaterThan(0);
      const [first] = anomalies;
      const bodies: unknown[] = [{ note: '' }, { note: 'x'.repeat(501) }, { note: 'a\u0000b' }, { note: 5 }, { reason: 'x' }, [], 'text', { note: null }];
      for (const body of bodies) {
        const response = await t.app.inject({ method: 'POST', url: `/v1/anomalies/${first!.event_id}/${first!.anomaly_no}/acknowledge`, headers: owner.bearer, payload: body as object });
        // A text body is refused for its type (415), the rest for their content (400); both name it.
        expect([400, 415], JSON.stringify(body)).toContain(response.statusCode);
        expect(response.json().field, JSON.stringify(body)).toBeTypeOf('string');
      }
      for (const url of [`/v1/anomalies/${first!.event_id}/x/acknowledge`, `/v1/anomalies/nope/${first!.anomaly_no}/acknowledge`, `/v1/anomalies/${first!.event_id}/9999999/acknowledge`]) {
        const response = await t.app.inject({ method: 'POST', url, headers: owner.bearer, payload: {} });
        expect(response.statusCode, url).toBeLessThan(500);
        expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      }
      expect(await businessCounts(t.db, business.business_id)).toBe(before);
    });
  });
}
