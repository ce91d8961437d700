/**
 * Every route that takes a body, fuzzed as one property (issue 12): for any generated body on
 * any such route (found by walking the app's route table, so a new route is fuzzed the day it
 * lands), the answer is a 2xx with the record stored, or a 4xx `{code, message}` (a 400 also
 * naming its field) that wrote nothing; never a 5xx, never a 2xx that stored nothing.
 * "Stored" is judged on a snapshot of the business (audit and feed heads, sessions, enrollment
 * codes, till events and quarantine, payments and M-Pesa jobs, checkpoints) taken before and
 * after each request; the few routes whose success need not store anything say why below.
 * The per-route suites (owner-fuzz, reports-fuzz, ingest-push-fuzz, the M-Pesa callback fuzz)
 * go deeper with valid-shaped bodies; this one makes sure no route is left out.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { createTestBusiness, deviceAuth, login, testDatabases, type Session, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { fuzzRuns, fuzzSeed, fuzzTimeout } from './support/fuzz-size.js';

const runs = { pglite: fuzzRuns(3_500), postgres: fuzzRuns(2_500) };

/** Routes left to other suites, with the reason. */
const left_out: Record<string, string> = {
  'POST /v1/auth/logout': 'ends the session this walk signs in with (auth.test.ts)',
  'POST /v1/mpesa/:secret/stk': 'Daraja callbacks: src/mpesa/callback-fuzz.test.ts',
  'POST /v1/mpesa/:secret/c2b/validation': 'Daraja callbacks: src/mpesa/callback-fuzz.test.ts',
  'POST /v1/mpesa/:secret/c2b/confirmation': 'Daraja callbacks: src/mpesa/callback-fuzz.test.ts',
  'POST /v1/mpesa/:secret/result': 'Daraja callbacks: src/mpesa/callback-fuzz.test.ts',
  'POST /v1/mpesa/:secret/timeout': 'Daraja callbacks: src/mpesa/callback-fuzz.test.ts',
  'POST /v1/mpesa/c2b/register': 'calls Daraja while answering (mpesa-edges.test.ts); here Daraja is not running',
};

/** Routes whose 2xx may rightly store nothing, with the reason. */
const may_store_nothing: Record<string, string> = {
  'POST /v1/sync/recover': 'a repeated recovery at the same epoch changes nothing (DESIGN §5); a first one bumps the epoch, with its audit entry',
  'POST /v1/audit/checkpoints': 'signs the unsigned heads, and there may be none',
  'POST /v1/quarantine/replay': 'replays what is quarantined, and there may be nothing',
  'POST /v1/sync/push': 'an empty push acknowledges nothing; every event sent is answered (checked below)',
};

const hostile = fc.constantFrom<unknown>(
  null, true, false, 0, -1, 1, 1.5, 1e21, 2 ** 53 + 1, -0, '', ' ', 'a\u0000b', '\ud800', '\u202e', 'x'.repeat(5000), '💸', [], [null], {}, { $gt: '' },
  '0712345678', '254712345678', '00000000-0000-0000-0000-000000000000', "'; DROP TABLE staff; --", '1e3', 'NaN', '2026-02-30', 'owner', 'cashier',
);
const field_names = [
  'name', 'email', 'password', 'current_password', 'new_password', 'pin', 'role', 'active', 'phone', 'amount', 'payment_id', 'sale_id', 'price_cents',
  'cost_cents', 'sku', 'barcode', 'value', 'store_id', 'till_id', 'business_id', 'epoch', 'events', 'rows', 'code', 'ttl_minutes', 'item_id', 'action',
  'note', 'reason', 'kind', 'base_url', 'business_shortcode', 'till_number', 'consumer_key', 'consumer_secret', 'passkey', 'from_seq', 'credit_limit_cents',
];
const value = fc.oneof(
  { weight: 3, arbitrary: hostile },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.integer({ min: -10, max: 300_000 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const objectBody = fc.dictionary(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...field_names) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), value, { maxKeys: 8 });
/**
 * A body a route would take, for the routes that create or change something, so that the 2xx
 * side of the property is exercised too; `nearlyValid` then breaks some of them.
 */
function validBody(name: string, business: TestBusiness, unique: string): Record<string, unknown> | null {
  switch (name) {
    case 'POST /v1/auth/login':
      return { email: business.owner.email, password: business.owner.password };
    case 'POST /v1/enrollment-codes':
      return { store_id: business.store_id };
    case 'POST /v1/products':
      return { name: 'Sukari 2kg', price_cents: 21_000, sku: `SUK-${unique}` };
    case 'PATCH /v1/products/:id':
      return { price_cents: 21_500 + (Number.parseInt(unique, 16) % 100) };
    case 'POST /v1/products/import':
      return { rows: [{ name: 'Unga 2kg', price_cents: 18_000, sku: `UNG-${unique}` }] };
    case 'POST /v1/customers':
      return { name: 'Mama Njeri', phone: '254712345678', credit_limit_cents: 50_000 };
    case 'PATCH /v1/customers/:id':
      return { credit_limit_cents: 60_000 + (Number.parseInt(unique, 16) % 100) };
    case 'POST /v1/staff':
      return { name: 'Otieno', role: 'cashier', pin: '4826' };
    case 'PATCH /v1/staff/:id':
      return { name: `Wanjiku ${unique.slice(0, 4)}` };
    case 'PUT /v1/staff/:id/pin':
      return { pin: '7391' };
    case 'POST /v1/stores':
      return { name: `Branch ${unique.slice(0, 4)}` };
    case 'PUT /v1/settings/:key':
      return { value: `Karibu tena ${unique.slice(0, 4)}` };
    case 'POST /v1/sync/push':
      return { till_id: business.till.id, epoch: business.till.epoch, events: [] };
    default:
      return null;
  }
}

type Generated = { json: unknown } | { raw: string } | { valid: true; breakKey: number; breakWith: unknown; mode: number };

const body: fc.Arbitrary<Generated> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ valid: fc.constant(true as const), breakKey: fc.nat(), breakWith: value, mode: fc.nat({ max: 5 }) }) },
  { weight: 8, arbitrary: objectBody.map((object) => ({ json: object as unknown })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })) },
  { weight: 1, arbitrary: fc.constantFrom('{"name": "Sukari", ', '[1,2', 'not json', '{"amount": 1e400}', '', '{"a":1}{"b":2}', '\u0000').map((raw) => ({ raw })) },
);

/** Business-wide figures a stored write moves; compared before and after each request. */
async function snapshot(db: Db, businessId: string): Promise<string> {
  const rows = await db.query(
    `SELECT b.audit_seq, b.feed_seq,
            (SELECT count(*) FROM sessions WHERE business_id = $1) AS sessions,
            (SELECT count(*) FROM enrollment_codes WHERE business_id = $1) AS codes,
            (SELECT count(*) FROM tills WHERE business_id = $1) AS tills,
            (SELECT sum(epoch) FROM tills WHERE business_id = $1) AS epochs,
            (SELECT count(*) FROM till_events WHERE business_id = $1) AS events,
            (SELECT count(*) FROM quarantined_events WHERE business_id = $1) AS quarantined,
            (SELECT count(*) FROM payments WHERE business_id = $1) AS payments,
            (SELECT count(*) FROM mpesa_jobs WHERE business_id = $1) AS jobs,
            (SELECT count(*) FROM audit_checkpoints WHERE business_id = $1) AS checkpoints
       FROM businesses b WHERE b.id = $1`,
    [businessId],
  );
  return JSON.stringify(rows[0]);
}

/** The text sent: a generated body, or a route's valid body kept whole or broken in one place. */
function bodyTextFor(business: TestBusiness, method: string, url: string, generated: Generated, n: number): string {
  if ('raw' in generated) return generated.raw;
  if ('json' in generated) return JSON.stringify(generated.json);
  const valid = validBody(`${method} ${url}`, business, n.toString(16).padStart(6, '0'));
  if (valid === null) return JSON.stringify({});
  const keys = Object.keys(valid);
  const key = keys[generated.breakKey % keys.length]!;
  if (generated.mode <= 2) return JSON.stringify(valid); // whole
  if (generated.mode === 3) return JSON.stringify({ ...valid, [key]: generated.breakWith });
  if (generated.mode === 4) return JSON.stringify(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key)));
  return JSON.stringify({ ...valid, [`${key}_extra`]: generated.breakWith });
}

for (const target of testDatabases()) {
  describe(`every route with a body, fuzzed (${target.name})`, () => {
    const t = useServerSuite(target, { mpesa: true });
    let business: TestBusiness;
    let owner: Session;

    beforeAll(async () => {
      business = await createTestBusiness(t.deps);
      owner = await login(t.app, business.owner.email, business.owner.password);
    });

    const bodyText = (method: string, url: string, generated: Generated, n: number) => bodyTextFor(business, method, url, generated, n);

    it(`${runs[target.name]} generated bodies over every route that takes one: 2xx and stored, or 4xx {code, message} that wrote nothing`, async () => {
      const routes = t.app.payme.routes.filter((route) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method) && left_out[`${route.method} ${route.url}`] === undefined);
      expect(routes.length).toBeGreaterThan(20);
      // Ids a path may name: this business's own (never the signed-in owner, nor its till, whose
      // retirement would end the walk's credentials), and ids nobody uses.
      const nobody = '0190a000-0000-7000-8000-000000000000';
      const customer = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: owner.bearer, payload: { name: 'Baba Otieno' } });
      const customerId = (customer.json() as { id: string }).id;
      const idsFor = (url: string): string[] => {
        if (url.startsWith('/v1/products')) return [business.products[0]!.id, business.products[1]!.id, nobody];
        if (url.startsWith('/v1/customers')) return [customerId, nobody];
        if (url.startsWith('/v1/staff')) return [business.cashier.id, business.manager.id, nobody];
        return [nobody, business.store_id, business.products[2]!.id];
      };
      const statuses = new Map<string, number>();
      let before = await snapshot(t.db, business.business_id);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: routes.length - 1 }), fc.nat(), body, fc.boolean(), async (routeIndex, idPick, generated, withKey) => {
          const route = routes[routeIndex]!;
          n += 1;
          const url = route.url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
            if (name === 'key') return ['receipt_footer', 'time_zone', 'kra_pin', 'nope'][idPick % 4]!;
            if (name === 'anomaly_no') return String(idPick % 3);
            const ids = idsFor(route.url);
            return ids[idPick % ids.length]!;
          });
          const credentials = route.access === 'public' ? {} : route.access === 'device' || (route.access === 'staff' && idPick % 2 === 0) ? deviceAuth(business) : owner.bearer;
          const headers: Record<string, string> = { ...credentials, 'content-type': 'application/json' };
          if (withKey) headers['idempotency-key'] = `routes-fuzz-${target.name}-${n}`;
          const payload = bodyText(route.method, route.url, generated, n);
          const res = await t.app.inject({ method: route.method as 'POST', url, headers, payload });
          const after = await snapshot(t.db, business.business_id);
          const name = `${route.method} ${route.url}`;
          const where = `${name} as ${url} with ${payload.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          const tally = `${name} ${res.statusCode}`;
          statuses.set(tally, (statuses.get(tally) ?? 0) + 1);
          expect(res.statusCode, where).toBeLessThan(500);
          if (res.statusCode >= 400) {
            const answer = res.json() as { code?: unknown; message?: unknown; field?: unknown };
            expect(typeof answer.code, where).toBe('string');
            expect(typeof answer.message, where).toBe('string');
            if (res.statusCode === 400) expect(typeof answer.field, where).toBe('string');
            // A refused sign-in counts against the address and account (login_failures), nothing else.
            expect(after, `refused but wrote: ${where}`).toBe(before);
          } else if (name === 'POST /v1/sync/push') {
            const sent = (JSON.parse(payload) as { events?: unknown[] }).events ?? [];
            expect((res.json() as { results: unknown[] }).results.length, where).toBe(sent.length);
          } else if (may_store_nothing[name] === undefined) {
            expect(after, `answered ${res.statusCode} but stored nothing: ${where}`).not.toBe(before);
          }
          before = after;
        }),
        { numRuns: runs[target.name], seed: fuzzSeed(12_12), endOnFailure: true },
      );
      if (process.env['FUZZ_VERBOSE']) console.info([...statuses].sort());
      // Every route was reached (at the CI size and above; `npm run fuzz -- --n 30` is a smoke run).
      if (runs[target.name] >= 20 * routes.length) for (const route of routes) expect([...statuses.keys()].some((key) => key.startsWith(`${route.method} ${route.url} `)), `${route.method} ${route.url} never sent`).toBe(true);
    }, fuzzTimeout(600_000));
  });
}
