/**
 * Issue 12: amounts are validated where money enters, by shared's parseMpesaAmount on their
 * digits as written (a JSON number's text, not the double JSON.parse makes of it). Each path:
 * the STK callback's Amount item, a Transaction Status result, a Reversal result, and STK
 * initiation. A refused callback stays raw and is one owner-queue item with no amount and
 * `details.reason`; nothing is credited, recorded or reversed on its word.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7, SeededRandom } from '@payme/shared';
import type { Db } from '../db/db.js';
import { deviceAuth, login, openMigrated, testDatabases, type Session } from '../../test/support/index.js';
import { requestReversal } from './mpesa-job-handlers.js';
import { startMpesaKit, type MpesaKit } from './testing/mpesa-test-kit.js';

interface Item {
  kind: string;
  subject: string;
  amount_cents: number | null;
  details: Record<string, unknown>;
}

/** 100 shillings in digits JSON.parse reads as the double 100. */
const past_double = '100.0000000000000001';

for (const target of testDatabases()) {
  describe(`M-Pesa amounts judged as written on ${target.name} (issue 12)`, () => {
    let db: Db;
    let kit: MpesaKit;
    let owner: Session;
    const random = new SeededRandom(1212);

    beforeAll(async () => {
      db = await openMigrated(target);
      kit = await startMpesaKit(db, { seed: 1212 });
      owner = await login(kit.app, kit.business.owner.email, kit.business.owner.password);
    });
    afterAll(async () => {
      await kit.close();
      await db.close();
    });

    /** Posts a callback as text and drains; returns its stored outcome and the owner items it added. */
    async function deliver(route: string, text: string): Promise<{ outcome: string; reason: string | null; added: Item[] }> {
      const before = await items();
      const response = await kit.app.inject({ method: 'POST', url: `/v1/mpesa/${kit.callback_secret}/${route}`, headers: { 'content-type': 'application/json' }, payload: text });
      expect(response.statusCode).toBe(200);
      await kit.settle();
      const rows = await db.query<{ outcome: string; reason: string | null }>(
        'SELECT outcome, reason FROM mpesa_callbacks WHERE business_id = $1 AND body = $2 ORDER BY received_at DESC LIMIT 1',
        [kit.business.business_id, text],
      );
      const seen = new Set(before.map((item) => `${item.kind}/${item.subject}`));
      return { ...(rows[0] as { outcome: string; reason: string | null }), added: (await items()).filter((item) => !seen.has(`${item.kind}/${item.subject}`)) };
    }
    async function items(): Promise<Item[]> {
      const response = await kit.app.inject({ method: 'GET', url: '/v1/mpesa/unmatched?status=open', headers: owner.bearer });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { items: Item[] }).items;
    }
    const expectRefusedForOwner = (added: Item[], reason: string) => {
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ kind: 'quarantined_callback', amount_cents: null, details: { reason } });
    };
    async function ids(paymentId: string) {
      return (await db.query<{ merchant: string; checkout: string }>('SELECT merchant_request_id AS merchant, checkout_request_id AS checkout FROM payments WHERE payment_id = $1', [paymentId]))[0]!;
    }
    async function asyncRequest(kind: string, subject: string) {
      return (await db.query<{ originator: string; conversation: string }>(
        'SELECT originator_conversation_id AS originator, conversation_id AS conversation FROM mpesa_async_requests WHERE business_id = $1 AND kind = $2 AND subject = $3 AND answered_at IS NULL',
        [kit.business.business_id, kind, subject],
      ))[0]!;
    }
    const loseNext = (operation: string) => kit.sim.app.inject({ method: 'POST', url: '/__sim/faults', payload: { rules: [{ match: { operation }, fault: { result_lost: true } }] } });
    /** A result as Daraja posts it, with the Amount parameter's value written as `amount`. */
    const resultText = (request: { originator: string; conversation: string }, amount: string, extra: string) =>
      `{"Result":{"ResultType":0,"ResultCode":0,"ResultDesc":"The service request is processed successfully.","OriginatorConversationID":"${request.originator}","ConversationID":"${request.conversation}","TransactionID":"RES${Math.floor(random.int(1_000_000, 9_999_999))}","ResultParameters":{"ResultParameter":[${extra}{"Key":"Amount","Value":${amount}}]}}}`;

    it('STK callback: an Amount past double precision is refused and shown to the owner, not confirmed', async () => {
      // 0404: the simulator loses this payment's own callback, so ours is the only one.
      const { payment_id } = await kit.requestStk({ phone: '254708370404', amount: 10_000 });
      await kit.settle();
      const { merchant, checkout } = await ids(payment_id);
      const callback = (amount: string, receipt: string) =>
        `{"Body":{"stkCallback":{"MerchantRequestID":"${merchant}","CheckoutRequestID":"${checkout}","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":${amount}},{"Name":"MpesaReceiptNumber","Value":"${receipt}"},{"Name":"TransactionDate","Value":20261126093012},{"Name":"PhoneNumber","Value":254708370404}]}}}}`;
      for (const [amount, receipt] of [[past_double, 'AMT1000001'], ['1e2', 'AMT1000002']] as const) {
        const refused = await deliver('stk', callback(amount, receipt));
        expect(refused).toMatchObject({ outcome: 'quarantined', reason: 'amount_not_mpesa' });
        expectRefusedForOwner(refused.added, 'amount_not_mpesa');
        expect((await kit.payment(payment_id)).state).toBe('requested');
      }
      // The same payment written as Daraja writes it (100.00) is confirmed as usual.
      expect(await deliver('stk', callback('100.00', 'AMT1000003'))).toMatchObject({ outcome: 'confirming', added: [] });
      expect(await kit.payment(payment_id)).toMatchObject({ state: 'succeeded', mpesa_receipt: 'AMT1000003' });
    });

    it('Transaction Status: a result whose Amount M-Pesa cannot carry, or that is not the payment, records no receipt', async () => {
      // No callback, so the deadline's STK Query credits it and the receipt comes from Transaction Status.
      const { payment_id } = await kit.requestStk({ phone: '254708370404', amount: 10_000 });
      await loseNext('transaction_status');
      kit.clock.advance(120_001);
      await kit.settle();
      const credited = await kit.payment(payment_id);
      expect(credited.state).toBe('succeeded');
      expect(credited.mpesa_receipt ?? null).toBeNull();
      const request = await asyncRequest('receipt_lookup', payment_id);
      const receipt = '{"Key":"ReceiptNo","Value":"TSR1000001"},';
      for (const [amount, reason] of [[past_double, 'amount_not_mpesa'], ['"100.5"', 'amount_not_mpesa'], ['99', 'amount_mismatch']] as const) {
        const refused = await deliver('result', resultText(request, amount, receipt));
        expect(refused, amount).toMatchObject({ outcome: 'quarantined', reason });
        expectRefusedForOwner(refused.added, reason);
        expect((await kit.payment(payment_id)).mpesa_receipt ?? null).toBeNull();
      }
      // The request is still unanswered, so the true result applies.
      expect(await deliver('result', resultText(request, '100.00', receipt))).toMatchObject({ outcome: 'recorded', added: [] });
      expect((await kit.payment(payment_id)).mpesa_receipt).toBe('TSR1000001');
    });

    it('Reversal: a result whose Amount is refused reverses nothing; the true one reverses the payment', async () => {
      const { payment_id } = await kit.requestStk({ phone: '254708374149', amount: 20_000 });
      await kit.settle();
      const payment = await kit.payment(payment_id);
      expect(payment.state).toBe('succeeded');
      await loseNext('reversal');
      const reversalId = uuidv7(kit.clock, random);
      await requestReversal(kit.mpesa, kit.business.business_id, { reversal_id: reversalId, payment_id, mpesa_receipt: payment.mpesa_receipt as string, amount_cents: 20_000 });
      await kit.settle();
      const request = await asyncRequest('reversal', reversalId);
      for (const [amount, reason] of [['200.0000000000000001', 'amount_not_mpesa'], ['-200', 'amount_not_mpesa'], ['100', 'amount_mismatch']] as const) {
        const refused = await deliver('result', resultText(request, amount, ''));
        expect(refused, amount).toMatchObject({ outcome: 'quarantined', reason });
        expectRefusedForOwner(refused.added, reason);
        expect((await kit.payment(payment_id)).state).toBe('succeeded');
      }
      expect(await deliver('result', resultText(request, '200', ''))).toMatchObject({ outcome: 'recorded', reason: 'reversed' });
      expect((await kit.payment(payment_id)).state).toBe('reversed');
    });

    it('STK initiation: an amount that is not a whole number as written is refused, naming amount, and nothing is stored', async () => {
      for (const written of ['10000.000000000001', '1e4', '10000.5', '"10000"']) {
        const paymentId = uuidv7(kit.clock, random);
        const response = await kit.app.inject({
          method: 'POST',
          url: '/v1/payments/mpesa/stk',
          headers: { ...deviceAuth(kit.business), 'idempotency-key': paymentId, 'content-type': 'application/json' },
          payload: `{"payment_id":"${paymentId}","phone":"254708374149","amount":${written}}`,
        });
        expect(response.statusCode, written).toBe(400);
        expect(response.json(), written).toMatchObject({ code: 'invalid_input', field: 'amount' });
        expect(await db.query('SELECT 1 FROM payments WHERE payment_id = $1', [paymentId]), written).toHaveLength(0);
      }
      const fine = await kit.requestStk({ phone: '254708374149', amount: 10_000 });
      expect(fine.status).toBe(201);
    });
  });
}
