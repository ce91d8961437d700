/**
 * Logs never hold phone numbers, tokens, passwords, PINs or secrets in clear (issue 12), not even
 * inside a database error's details or its query parameters. The real app, with its real pino
 * logger writing to a captured stream, takes hostile traffic that carries known phones, tokens,
 * passwords and PINs: sign-ins, bearer and cookie tokens, owner writes, STK initiation, Daraja
 * callbacks, generated bodies, and a request whose database write fails (a CHECK constraint the
 * test adds, so that PostgreSQL quotes the failing row and PGlite attaches the parameters). Then
 * the captured log is searched for every one of them.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock, SeededRandom } from '@payme/shared';
import type { Db } from '../src/db/db.js';
import { buildApp } from '../src/app.js';
import { generateSigningKey } from '../src/audit/signing-key.js';
import { generateMasterKey, keyringOf } from '../src/mpesa/credentials.js';
import { saveMpesaAccount } from '../src/mpesa/mpesa-account.js';
import { scrubText, serializeError } from '../src/http/logging.js';
import { createTestBusiness, deviceAuth, login, openMigrated, test_config, testDatabases, type TestBusiness } from './support/index.js';
import { fuzzRuns, fuzzTimeout } from './support/fuzz-size.js';

/** A phone in every form a caller may send it, each a distinct number so a hit names its form. */
const phones = ['254712345678', '+254723456789', '0734567890', '254110223344', '0798 765 432'];
const phone_digits = (phone: string) => phone.replace(/\D/g, '').replace(/^0/, '254');
const password = 'Hunter2-horse-battery-staple';
const pin = '973155';

for (const target of testDatabases()) {
  describe(`server logs keep secrets out (${target.name})`, () => {
    let db: Db;
    let app: FastifyInstance;
    let business: TestBusiness;
    let callbackSecret: string;
    const lines: string[] = [];

    beforeAll(async () => {
      db = await openMigrated(target);
      const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
      const random = new SeededRandom(1207);
      const keyring = keyringOf(generateMasterKey(random));
      app = await buildApp({
        db, clock, random, config: { ...test_config, signing_key: generateSigningKey(random) },
        logger: { level: 'debug', stream: { write: (line: string) => void lines.push(line) } },
        mpesa: { keyring, start_worker: false },
      });
      await app.ready();
      business = await createTestBusiness(app.payme.deps);
      ({ callback_secret: callbackSecret } = await db.transaction((tx) =>
        saveMpesaAccount(tx, { keyring, random, clock }, business.business_id, { base_url: 'http://127.0.0.1:9', kind: 'till', business_shortcode: '174379', till_number: '600100', callback_base_url: 'http://127.0.0.1:9' }, { consumer_key: 'ck-LOGTEST-key-0001', consumer_secret: 'cs-LOGTEST-secret-0002', passkey: 'pk-LOGTEST-passkey-0003' }),
      ));
    });
    afterAll(async () => {
      await app?.close();
      await db?.close();
    });

    it('hostile traffic leaves no phone, token, password, PIN or secret in the log, database errors included', async () => {
      const secrets: string[] = [password, pin, callbackSecret, business.till.device_token, business.enrollment_code, business.owner.password, business.manager.password, 'ck-LOGTEST-key-0001', 'cs-LOGTEST-secret-0002', 'pk-LOGTEST-passkey-0003'];
      const owner = await login(app, business.owner.email, business.owner.password);
      secrets.push(owner.token, owner.csrf_token);
      const auth = { ...owner.bearer };
      const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = auth) =>
        app.inject({ method, url, headers: { ...headers, 'idempotency-key': `log-${lines.length}-${url}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

      // Sign-ins: wrong and right passwords, a phone where the email goes.
      await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: business.owner.email, password } });
      await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: phones[0], password: business.owner.password } });
      await app.inject({ method: 'POST', url: '/v1/auth/login', payload: `{"email":"${business.owner.email}","password":"${password}"` });
      // Tokens in headers, good and bad, as bearer and cookie.
      await app.inject({ method: 'GET', url: '/v1/products', headers: { authorization: `Bearer ${owner.token}x` } });
      await app.inject({ method: 'GET', url: '/v1/products', headers: { cookie: owner.cookie } });
      await app.inject({ method: 'POST', url: '/v1/products', headers: { cookie: owner.cookie, 'x-csrf-token': `${owner.csrf_token}!` }, payload: { name: 'X', price_cents: 1 } });
      await app.inject({ method: 'GET', url: `/v1/products?phone=${phones[1]}&token=${business.till.device_token}`, headers: deviceAuth(business) });
      // Owner writes carrying phones, PINs and passwords, valid and refused.
      for (const phone of phones) {
        await send('POST', '/v1/customers', { name: 'Mama Njeri', phone, credit_limit_cents: 1_000 });
        await send('POST', '/v1/customers', { name: 'Mama Njeri', phone: `${phone}\u0000` });
      }
      await send('POST', '/v1/staff', { name: 'Otieno', role: 'cashier', pin });
      await send('POST', '/v1/staff', { name: 'Akinyi', role: 'manager', email: 'akinyi@example.test', password, pin });
      await send('POST', '/v1/staff', { name: 'Akinyi', role: 'manager', email: 'akinyi@example.test', password: 'short', pin: `${pin}0` });
      await send('POST', '/v1/auth/password', { current_password: password, new_password: `${password}-new` });
      await send('POST', '/v1/tills/enroll', { code: business.enrollment_code, name: 'Till 2' }, {});
      // STK initiation with a phone, and Daraja callbacks carrying phones, well-formed and not.
      await send('POST', '/v1/payments/mpesa/stk', { payment_id: '0191f0a0-0000-7000-8000-000000000001', phone: phones[0], amount: 100 }, deviceAuth(business));
      const callbackBodies = [
        { Body: { stkCallback: { MerchantRequestID: 'm-1', CheckoutRequestID: 'ws_CO_log_1', ResultCode: 0, ResultDesc: 'ok', CallbackMetadata: { Item: [{ Name: 'Amount', Value: 100 }, { Name: 'PhoneNumber', Value: Number(phone_digits(phones[0]!)) }] } } } },
        { TransactionType: 'Pay Bill', TransID: 'RKT1LOG001', TransAmount: '100.00', BusinessShortCode: '600100', BillRefNumber: phones[2], MSISDN: phone_digits(phones[3]!), FirstName: 'Jane\u0000' },
        { TransactionType: 'Buy Goods', TransID: 'RKT1LOG002', TransAmount: '1e9', BusinessShortCode: '600100', MSISDN: phones[4], FirstName: '\ud800' },
      ];
      for (const route of ['stk', 'c2b/validation', 'c2b/confirmation', 'result', 'timeout']) {
        for (const body of callbackBodies) await app.inject({ method: 'POST', url: `/v1/mpesa/${callbackSecret}/${route}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      }
      await app.inject({ method: 'POST', url: `/v1/mpesa/${callbackSecret}x/stk`, payload: {} });
      // Generated bodies with the phones and tokens planted in random fields.
      const planted = fc.constantFrom(...phones, ...secrets);
      const value = fc.oneof(planted, fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null));
      const routes = ['/v1/customers', '/v1/staff', '/v1/products', '/v1/stores', '/v1/settings/receipt_footer', '/v1/auth/login', '/v1/sync/push'];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), fc.dictionary(fc.constantFrom('name', 'phone', 'pin', 'password', 'email', 'note', 'value', 'token', 'MSISDN', 'events'), value), async (url, body) => {
          const res = await send(url.startsWith('/v1/settings') ? 'PUT' : 'POST', url, body, url === '/v1/sync/push' ? deviceAuth(business) : auth);
          expect(res.statusCode, res.body).toBeLessThan(500);
        }),
        { numRuns: fuzzRuns(150), seed: 1207 },
      );
      // A database write that fails: PostgreSQL quotes the failing row, PGlite attaches the parameters.
      await db.query(`ALTER TABLE customers ADD CONSTRAINT log_test_boom CHECK (name <> 'Boom')`);
      try {
        const boom = await send('POST', '/v1/customers', { name: 'Boom', phone: phones[0], credit_limit_cents: 0 });
        expect(boom.statusCode).toBe(500);
      } finally {
        await db.query('ALTER TABLE customers DROP CONSTRAINT log_test_boom');
      }

      const log = lines.join('');
      const failure = lines.find((line) => line.includes('"unhandled error"'));
      expect(failure, 'the failed write is logged').toBeDefined();
      expect(failure).toContain('23514');
      expect(failure).toContain('log_test_boom');
      const leaks: string[] = [];
      for (const phone of phones) {
        const forms = new Set([phone, phone.replace(/\s/g, ''), phone_digits(phone), `0${phone_digits(phone).slice(3)}`, phone_digits(phone).slice(3)]);
        for (const form of forms) if (log.includes(form)) leaks.push(`phone ${form}`);
      }
      for (const secret of secrets) if (log.includes(secret)) leaks.push(`secret ${secret.slice(0, 6)}…`);
      expect(leaks).toEqual([]);
      expect(lines.length).toBeGreaterThan(200);
    }, fuzzTimeout(300_000));
  });
}

describe('error serializer', () => {
  it('keeps the SQL state, table and constraint, and drops parameters, literals and quoted row values', () => {
    const error = Object.assign(new Error('new row for relation "customers" violates check constraint "c"'), {
      code: '23514', table: 'customers', constraint: 'c',
      detail: 'Failing row contains (5e7c0d1a-3b2f-4c6d-9e8f-000000000001, 254712345678, Mama).',
      query: "INSERT INTO customers VALUES ('254712345678', $1)", params: ['254712345678', 'pms_abcdefghijklmnopqrstuvwxyz012345'],
    });
    const out = serializeError(error);
    expect(out).toMatchObject({ code: '23514', table: 'customers', constraint: 'c', detail: 'Failing row contains (…).', params: '[2 parameters, not logged]' });
    expect(JSON.stringify(out)).not.toMatch(/254712345678|pms_abc/);
    expect(serializeError(Object.assign(new Error('dup'), { detail: 'Key (business_id, phone)=(x, 0712345678) already exists.' })).detail).toBe('Key (business_id, phone)=(…) already exists.');
  });

  it('masks phones and tokens in text and keeps UUIDs', () => {
    expect(scrubText('pay 0712 345 678 and +254712345678 with pmd_AbCdEfGhIjKlMnOpQrStUvWxYz012345')).toBe('pay 0712*****78 and +254*****78 with [redacted]');
    expect(scrubText('row 5e7c0d1a-3b2f-4c6d-9e8f-000000000001')).toBe('row 5e7c0d1a-3b2f-4c6d-9e8f-000000000001');
  });
});
