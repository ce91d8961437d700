import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { openMigrated, testDatabases } from '../../test/support/index.js';
import { startMpesaKit, type MpesaKit } from './testing/mpesa-test-kit.js';

/** ≥ 5,000 on PGlite (the acceptance figure); PostgreSQL gets a slice to keep the suite short. */
const runs = { pglite: 5_000, postgres: 1_000 } as const;
const routes = ['stk', 'c2b/validation', 'c2b/confirmation', 'result', 'timeout'] as const;

/**
 * Text as a forger would send it (issue 12): mostly printable ASCII, and control characters
 * (NUL included), lone surrogates and characters past the BMP, which JSON.stringify writes as
 * escapes PostgreSQL text cannot always hold.
 */
const hostile_char = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.constantFrom('\u007f', '\u00e9', '\u2028', '\ufeff', '\u{1f4b0}') },
);
const text = (constraints: { maxLength?: number }) => fc.string({ ...constraints, unit: hostile_char });

function nearStkCallback(checkout: fc.Arbitrary<string>, merchant: fc.Arbitrary<string>) {
  const value = fc.oneof(fc.integer(), fc.double(), text({ maxLength: 20 }), fc.constant(null), fc.constant(undefined), fc.constant(100), fc.constant('100.00'));
  const item = fc.record({ Name: fc.constantFrom('Amount', 'MpesaReceiptNumber', 'Balance', 'TransactionDate', 'PhoneNumber', 'Other', ''), Value: value }, { requiredKeys: ['Name'] });
  return fc.record(
    {
      Body: fc.record(
        {
          stkCallback: fc.record(
            {
              MerchantRequestID: fc.oneof(merchant, text({ maxLength: 30 })),
              CheckoutRequestID: fc.oneof(checkout, text({ maxLength: 30 })),
              ResultCode: fc.oneof(fc.constantFrom(0, 1, 1032, 1037, 2001, '0', '1032', -1, 1e20), fc.integer(), text({ maxLength: 5 })),
              ResultDesc: fc.oneof(text({ maxLength: 40 }), fc.integer()),
              CallbackMetadata: fc.oneof(fc.record({ Item: fc.array(item, { maxLength: 7 }) }), fc.constant({}), fc.constant(null)),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  );
}

const c2bLike = fc.record(
  {
    TransactionType: fc.constantFrom('Pay Bill', 'Buy Goods', ''),
    TransID: fc.oneof(fc.stringMatching(/^[A-Z][A-Z0-9]{9}$/), text({ maxLength: 12 })),
    TransTime: fc.oneof(fc.constant('20261126093000'), text({ maxLength: 14 })),
    TransAmount: fc.oneof(fc.constantFrom('10.00', '0', '-5', '1e3', '99999999999'), fc.integer(), fc.double()),
    BusinessShortCode: fc.oneof(fc.constant('600100'), fc.integer()),
    MSISDN: fc.oneof(fc.constant('2547*****149'), fc.integer(), text({ maxLength: 70 })),
  },
  { requiredKeys: [] },
);

const resultLike = fc.record(
  {
    Result: fc.record(
      {
        ResultCode: fc.oneof(fc.constantFrom(0, 'R000001'), fc.integer()),
        ResultDesc: text({ maxLength: 20 }),
        OriginatorConversationID: text({ maxLength: 20 }),
        ConversationID: text({ maxLength: 20 }),
        TransactionID: text({ maxLength: 12 }),
        ResultParameters: fc.record({ ResultParameter: fc.oneof(fc.array(fc.record({ Key: text({ maxLength: 10 }), Value: fc.oneof(text({ maxLength: 10 }), fc.integer()) }), { maxLength: 4 }), fc.record({ Key: fc.constant('ReceiptNo'), Value: text({}) })) }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

for (const target of testDatabases()) {
  describe(`fuzzed Daraja callbacks on ${target.name}`, () => {
    let db: Db;
    let kit: MpesaKit;
    let paymentId: string;
    let checkout: string;
    let merchant: string;

    beforeAll(async () => {
      db = await openMigrated(target);
      // The real outcome is "cancelled": no fuzzed "success" may ever credit it.
      kit = await startMpesaKit(db, { seed: 2026 });
      const request = await kit.requestStk({ phone: '254708371032', amount: 100 });
      paymentId = request.payment_id;
      await kit.settle();
      const rows = await db.query<{ checkout_request_id: string; merchant_request_id: string }>('SELECT checkout_request_id, merchant_request_id FROM payments WHERE payment_id = $1', [paymentId]);
      checkout = rows[0]?.checkout_request_id as string;
      merchant = rows[0]?.merchant_request_id as string;
    });

    afterAll(async () => {
      await kit.close();
      await db.close();
    });

    it(`never answers 500, never credits, never loses a raw record (${runs[target.name]} bodies)`, async () => {
      const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mpesa_callbacks WHERE business_id = $1', [kit.business.business_id]);
      let sent = 0;
      const body = fc.oneof(
        { weight: 4, arbitrary: nearStkCallback(fc.constant(checkout), fc.constant(merchant)).map((value) => JSON.stringify(value)) },
        { weight: 2, arbitrary: c2bLike.map((value) => JSON.stringify(value)) },
        { weight: 1, arbitrary: resultLike.map((value) => JSON.stringify(value)) },
        { weight: 1, arbitrary: fc.json() },
        { weight: 1, arbitrary: text({ maxLength: 200 }) },
        { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value).slice(0, -1)) },
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), body, fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'), async (route, payload, contentType) => {
          const response = await kit.app.inject({ method: 'POST', url: `/v1/mpesa/${kit.callback_secret}/${route}`, headers: { 'content-type': contentType }, payload });
          sent += 1;
          expect(response.statusCode).toBe(200);
          expect(response.json()).toMatchObject({ ResultDesc: 'Accepted' });
        }),
        { numRuns: runs[target.name], seed: 4242 },
      );
      await kit.settle();
      const after = await db.query<{ n: number; unprocessed: number }>(
        'SELECT count(*)::int AS n, count(*) FILTER (WHERE processed_at IS NULL)::int AS unprocessed FROM mpesa_callbacks WHERE business_id = $1',
        [kit.business.business_id],
      );
      // Every fuzzed body stored and processed.
      expect(after[0]?.n).toBe((before[0]?.n ?? 0) + sent);
      expect(after[0]?.unprocessed).toBe(0);
      const payment = await kit.payment(paymentId);
      expect(payment.state).toBe('cancelled');
      const credits = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payment_history WHERE business_id = $1 AND to_state = 'succeeded'`, [kit.business.business_id]);
      expect(credits[0]?.n).toBe(0);
      const errors = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM mpesa_callbacks WHERE business_id = $1 AND reason LIKE 'processing_error%'`, [kit.business.business_id]);
      expect(errors[0]?.n).toBe(0);
      // Every refused body is the owner's to see (issue 12), one item each.
      const unseen = await db.query<{ route: string; reason: string }>(
        `SELECT c.route, c.reason FROM mpesa_callbacks c WHERE c.business_id = $1 AND c.outcome = 'quarantined'
            AND NOT EXISTS (SELECT 1 FROM mpesa_unmatched u WHERE u.business_id = c.business_id AND u.details->>'callback_id' = c.callback_id::text)`,
        [kit.business.business_id],
      );
      expect(unseen).toEqual([]);
    }, 300_000);

    it('an unknown path secret is a 404 and stores nothing; an oversized body is refused with 413', async () => {
      const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mpesa_callbacks'))[0]?.n;
      const before = await count();
      const unknown = await kit.app.inject({ method: 'POST', url: '/v1/mpesa/not-a-real-secret-at-all/stk', payload: { Body: {} } });
      expect(unknown.statusCode).toBe(404);
      const huge = await kit.app.inject({ method: 'POST', url: `/v1/mpesa/${kit.callback_secret}/stk`, headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(70_000) });
      expect(huge.statusCode).toBe(413);
      expect(await count()).toBe(before);
    });
  });
}
