/**
 * Bad input on the owner writes (issue 4 acceptance): thousands of generated bodies — valid,
 * nearly valid and hostile — never yield a 500 or a partial write. Every refusal is a 4xx with
 * a code and the field; every success moved the audit log and the feed by exactly one entry.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { createTestBusiness, login, testDatabases, type Session, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { fuzzRuns, fuzzSeed, fuzzTimeout } from './support/fuzz-size.js';

const runs = { pglite: fuzzRuns(5_000), postgres: fuzzRuns(1_000) };

/** Values that break naive code: wrong types, limits, NUL, lone surrogates, spaces, huge numbers. */
const hostile = fc.constantFrom<unknown>(
  null, true, 0, -1, 1.5, -0.0001, 1e21, Number.MAX_SAFE_INTEGER, 2 ** 63, '', ' ', ' padded ', 'a\u0000b', '\ud800', 'tab\there',
  'x'.repeat(121), 'x'.repeat(5000), '💸'.repeat(70), [], [1, 2], {}, { nested: { deep: true } }, '12345678901234567890', '1e3', '0x10',
  "'; DROP TABLE products; --", '00000000-0000-0000-0000-000000000000', 'NaN', 'Infinity',
);

/** Mostly valid values, sometimes hostile ones or noise, so that writes both pass and fail. */
function field(valid: fc.Arbitrary<unknown>, noise: fc.Arbitrary<unknown> = fc.string({ maxLength: 20 })): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 14, arbitrary: valid }, { weight: 1, arbitrary: hostile }, { weight: 1, arbitrary: noise });
}
const name = field(fc.oneof(fc.constantFrom('Sukari 2kg', 'Omo 1kg', 'Mama Wanjiru', 'Kiwi Black 50ml', 'Royco cubes'), fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,30}[a-z0-9]$/)), fc.string({ minLength: 1, maxLength: 130 }));
const cents = field(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: -5, max: 200_000_000 }));
const barcode = field(fc.stringMatching(/^[0-9]{8,13}$/), fc.string({ maxLength: 70 }));
const sku = field(fc.stringMatching(/^[A-Z]{2,4}-[0-9]{1,5}$/), fc.string({ maxLength: 70 }));
const pin = field(fc.stringMatching(/^[0-9]{4,6}$/), fc.string({ maxLength: 8 }));
const email = field(fc.stringMatching(/^[a-z]{1,12}@[a-z]{2,10}\.(co\.ke|com|test)$/));
const password = field(fc.string({ minLength: 10, maxLength: 40 }), fc.string({ maxLength: 12 }));
const phone = field(fc.stringMatching(/^2547[0-9]{8}$/), fc.string({ maxLength: 14 }));
const enumOf = (...values: string[]) => field(fc.constantFrom(...values), fc.string({ maxLength: 12 }));
const bool = field(fc.boolean());

/** An object of these fields (the required ones usually present), sometimes with a stray key. */
function objectOf(fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<unknown> {
  const withRequired = fc.record(fields, { requiredKeys: required as never[] });
  const anySubset = fc.record(fields, { requiredKeys: [] });
  return fc
    .tuple(fc.oneof({ weight: 6, arbitrary: withRequired }, { weight: 1, arbitrary: anySubset }), fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), hostile) }))
    .map(([body, stray]) => (stray ? { ...body, [stray[0]]: stray[1] } : body));
}

const productFields = { name, sku, barcode, price_cents: cents, cost_cents: cents, vat_class: enumOf('standard', 'exempt', 'zero_rated'), unit: enumOf('piece', 'gram', 'millilitre'), stock_policy: enumOf('block', 'allow_with_override'), active: bool };
const { active: _productActive, ...productCreateFields } = productFields;
const productBody = objectOf(productCreateFields, ['name', 'price_cents']);
const productPatch = objectOf(productFields);
const staffFields = { name, role: enumOf('owner', 'manager', 'cashier'), email, password, pin, active: bool };
const { active: _staffActive, ...staffCreateFields } = staffFields;
const staffBody = objectOf(staffCreateFields, ['name', 'role']);
const staffPatch = objectOf({ name, role: staffFields.role, email, active: bool });
const customerFields = { name, phone, credit_limit_cents: cents, active: bool };
const customerBody = objectOf({ name, phone, credit_limit_cents: cents }, ['name']);
const settingValue = fc.oneof(fc.constantFrom('Africa/Nairobi', 'Europe/London', 'Mars/Olympus', '04:00', '24:00', 'Karibu tena!', 'P051234567X', 120, 3601, true), hostile);
/** Whole bodies that are not objects at all, or not JSON. */
const anyBody = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile);

type Call = { method: 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: (ids: Ids) => string; body: unknown; raw?: string };
interface Ids {
  products: string[];
  staff: string[];
  customers: string[];
  store: string;
  owner: string;
}

/** encodeURIComponent throws on lone surrogates; send the invalid UTF-8 bytes instead. */
function encodePathSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

/** Stands for the business's own store id; replaced when the request is sent. */
const own_store = '$own_store';

const pick = (list: string[], index: number) => list[index % Math.max(1, list.length)] ?? '00000000-0000-4000-8000-000000000000';
const idChoice = fc.oneof(fc.nat(), fc.constant(-1));
function idFrom(list: string[], index: number): string {
  if (index === -1) return '0190a000-0000-7000-8000-000000000000';
  return pick(list, index);
}

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ method: fc.constant('POST' as const), url: fc.constant(() => '/v1/products'), body: fc.oneof({ weight: 4, arbitrary: productBody }, { weight: 1, arbitrary: anyBody }) }),
  fc.tuple(idChoice, fc.oneof({ weight: 4, arbitrary: productPatch }, { weight: 1, arbitrary: anyBody })).map(([i, body]) => ({ method: 'PATCH' as const, url: (ids: Ids) => `/v1/products/${idFrom(ids.products, i)}`, body })),
  idChoice.map((i) => ({ method: 'DELETE' as const, url: (ids: Ids) => `/v1/products/${idFrom(ids.products, i)}`, body: undefined })),
  fc.record({ method: fc.constant('POST' as const), url: fc.constant(() => '/v1/staff'), body: fc.oneof({ weight: 4, arbitrary: staffBody }, { weight: 1, arbitrary: anyBody }) }),
  fc.tuple(idChoice, staffPatch).map(([i, body]) => ({ method: 'PATCH' as const, url: (ids: Ids) => `/v1/staff/${idFrom(ids.staff, i)}`, body })),
  fc.tuple(idChoice, objectOf({ pin }, ['pin'])).map(([i, body]) => ({ method: 'PUT' as const, url: (ids: Ids) => `/v1/staff/${idFrom(ids.staff, i)}/pin`, body })),
  fc.tuple(idChoice, objectOf({ password }, ['password'])).map(([i, body]) => ({ method: 'PUT' as const, url: (ids: Ids) => `/v1/staff/${idFrom(ids.staff, i)}/password`, body })),
  fc.record({ method: fc.constant('POST' as const), url: fc.constant(() => '/v1/customers'), body: fc.oneof({ weight: 4, arbitrary: customerBody }, { weight: 1, arbitrary: anyBody }) }),
  fc.tuple(idChoice, objectOf(customerFields)).map(([i, body]) => ({ method: 'PATCH' as const, url: (ids: Ids) => `/v1/customers/${idFrom(ids.customers, i)}`, body })),
  fc
    .tuple(enumOf('time_zone', 'business_day_cutoff', 'receipt_footer', 'receipt_header', 'credit_sales_enabled', 'alarm_till_silent_minutes', 'kra_pin'), objectOf({ value: settingValue }, ['value']))
    .map(([key, body]) => ({ method: 'PUT' as const, url: () => `/v1/settings/${encodePathSegment(String(key))}`, body })),
  fc.record({ method: fc.constant('POST' as const), url: fc.constant(() => '/v1/stores'), body: objectOf({ name }) }),
  objectOf({ store_id: field(fc.constant(own_store)), ttl_minutes: field(fc.integer({ min: 1, max: 1440 }), fc.integer()) }, ['store_id']).map((body) => ({ method: 'POST' as const, url: () => '/v1/enrollment-codes', body })),
  fc.constantFrom('{"name": "Sukari", ', '[1,2', 'not json', '{"price_cents": 1e400}', '').map((raw) => ({ method: 'POST' as const, url: () => '/v1/products', body: undefined, raw })),
);

async function counters(db: Db, businessId: string): Promise<{ audit_seq: number; feed_seq: number }> {
  return (await db.query<{ audit_seq: number; feed_seq: number }>('SELECT audit_seq, feed_seq FROM businesses WHERE id = $1', [businessId]))[0]!;
}

async function currentIds(db: Db, business: TestBusiness): Promise<Ids> {
  const ids = async (table: string) => (await db.query<{ id: string }>(`SELECT id::text AS id FROM ${table} WHERE business_id = $1 ORDER BY id`, [business.business_id])).map((r) => r.id);
  // The signed-in owner is left out of staff targets: demoting them would end the session.
  const staff = (await ids('staff')).filter((id) => id !== business.owner.id);
  return { products: await ids('products'), staff, customers: await ids('customers'), store: business.store_id, owner: business.owner.id };
}

for (const target of testDatabases()) {
  describe(`owner write fuzzing (${target.name})`, () => {
    const t = useServerSuite(target);
    let business: TestBusiness;
    let session: Session;

    beforeAll(async () => {
      business = await createTestBusiness(t.deps);
      session = await login(t.app, business.owner.email, business.owner.password);
    });

    it(`${runs[target.name]} generated owner writes: no 500, no partial write, every refusal names code and field`, async () => {
      let ids = await currentIds(t.db, business);
      let last = await counters(t.db, business.business_id);
      const statuses = new Map<number, number>();
      const refusals = new Map<string, number>();
      let iteration = 0;
      await fc.assert(
        fc.asyncProperty(call, async (generated) => {
          let c = generated;
          iteration += 1;
          if (iteration % 250 === 0) ids = await currentIds(t.db, business);
          // Requests run one at a time, so the counters after the last request are the ones before this.
          const before = last;
          const url = c.url(ids);
          if (c.body && typeof c.body === 'object' && (c.body as { store_id?: unknown }).store_id === own_store) {
            c = { ...c, body: { ...(c.body as object), store_id: ids.store } };
          }
          const res = await t.app.inject({
            method: c.method,
            url,
            headers: { ...session.bearer, ...(c.raw !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(c.raw !== undefined ? { payload: c.raw } : c.body !== undefined ? { payload: JSON.stringify(c.body), headers: { ...session.bearer, 'content-type': 'application/json' } } : {}),
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode >= 400) {
            const key = `${c.method} ${url.split('/').slice(0, 3).join('/')} ${res.json().field}: ${res.json().message}`.slice(0, 120);
            refusals.set(key, (refusals.get(key) ?? 0) + 1);
          }
          const after = await counters(t.db, business.business_id);
          last = after;
          const where = `${c.method} ${url} ${JSON.stringify(c.body ?? c.raw)?.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          if (res.statusCode >= 400) {
            const body = res.json();
            expect(typeof body.code, where).toBe('string');
            expect(typeof body.message, where).toBe('string');
            expect(typeof body.field, where).toBe('string');
            expect(after, `refused but wrote: ${where}`).toEqual(before);
          } else {
            // An owner write is its row, one audit entry and one feed change, together.
            const feedDelta = url === '/v1/enrollment-codes' ? 0 : 1;
            expect(after, `partial write: ${where}`).toEqual({ audit_seq: before.audit_seq + 1, feed_seq: before.feed_seq + feedDelta });
          }
        }),
        { numRuns: runs[target.name], seed: fuzzSeed(Date.now() % 2 ** 31) },
      );
      console.info(`[owner fuzz ${target.name}] statuses`, Object.fromEntries(statuses));
      if (process.env.FUZZ_VERBOSE) console.info([...refusals].sort((x, y) => y[1] - x[1]).slice(0, 25));
      expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(0);
      expect((await t.deps.audit.verify(t.db, business.business_id)).ok).toBe(true);
    }, fuzzTimeout(300_000));
  });
}
