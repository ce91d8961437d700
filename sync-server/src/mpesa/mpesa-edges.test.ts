import { describe, expect, it } from 'vitest';
import { SeededRandom, uuidv7 } from '@payme/shared';
import type { Db } from '../db/db.js';
import { login, testDatabases } from '../../test/support/index.js';
import { readDarajaError, darajaUnavailable } from './daraja-errors.js';
import { requestReversal } from './mpesa-job-handlers.js';
import { RawCallbackWriter } from './raw-callback-writer.js';
import { useMpesaKit } from './testing/mpesa-kit-suite.js';
import type { MpesaKit } from './testing/mpesa-test-kit.js';

describe('Daraja error bodies', () => {
  it('reads the gateway envelope, the OAuth shape and the Apigee fault, and nothing else', () => {
    expect(readDarajaError({ requestId: '1', errorCode: '400.002.02', errorMessage: 'Bad' })).toEqual({ code: '400.002.02', message: 'Bad' });
    expect(readDarajaError({ resultCode: '999991', resultDesc: 'Invalid client id passed' })).toEqual({ code: '999991', message: 'Invalid client id passed' });
    expect(readDarajaError({ fault: { faultstring: 'Quota' } })).toEqual({ code: 'gateway_fault', message: 'Quota' });
    expect(readDarajaError('<html>')).toBeUndefined();
    expect(readDarajaError(null)).toBeUndefined();
    expect(darajaUnavailable('STK Push', {}).message).toContain('no answer');
  });
});

for (const target of testDatabases()) {
  describe(`M-Pesa edges on ${target.name}`, () => {
    const suite = useMpesaKit(target);
    const random = new SeededRandom(31);

    async function outcomeOf(k: MpesaKit, route: string, body: unknown): Promise<{ outcome: string; reason: string | null }> {
      const ids = async () => new Set((await suite.db.query<{ id: string }>('SELECT callback_id::text AS id FROM mpesa_callbacks WHERE business_id = $1', [k.business.business_id])).map((row) => row.id));
      const before = await ids();
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      await k.app.inject({ method: 'POST', url: `/v1/mpesa/${k.callback_secret}/${route}`, headers: { 'content-type': 'application/json' }, payload });
      await k.mpesa.drain();
      const fresh = [...(await ids())].filter((id) => !before.has(id));
      expect(fresh).toHaveLength(1);
      const rows = await suite.db.query<{ outcome: string; reason: string | null }>('SELECT outcome, reason FROM mpesa_callbacks WHERE business_id = $1 AND callback_id = $2', [k.business.business_id, fresh[0]]);
      return rows[0] as { outcome: string; reason: string | null };
    }
    const stkOutcome = (k: MpesaKit, body: unknown) => outcomeOf(k, 'stk', body);

    it('the owner sets the account (secrets masked back), is refused a till account without its till number', async () => {
      const k = await suite.start();
      const session = await login(k.app, k.business.owner.email, k.business.owner.password);
      const put = await k.app.inject({
        method: 'PUT',
        url: '/v1/mpesa/account',
        headers: session.bearer,
        payload: { base_url: 'https://sandbox.safaricom.co.ke', kind: 'paybill', business_shortcode: '600000', callback_base_url: 'https://shop.example', consumer_key: 'KEY-123456789', consumer_secret: 'SECRET-123456789', passkey: 'PASSKEY-123456789', initiator_name: 'apiop', security_credential: 'CRED-123456789' },
      });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ kind: 'paybill', consumer_secret: '••••6789', initiator_name: '••••', security_credential: '••••6789' });
      expect(put.body).not.toContain('SECRET-123456789');
      const audit = await suite.db.query<{ data: Record<string, unknown> }>(`SELECT data FROM audit_log WHERE business_id = $1 AND kind = 'mpesa_account_updated'`, [k.business.business_id]);
      expect(JSON.stringify(audit)).not.toContain('SECRET');
      const bad = await k.app.inject({ method: 'PUT', url: '/v1/mpesa/account', headers: session.bearer, payload: { base_url: 'https://x.example', kind: 'till', business_shortcode: '600000', callback_base_url: 'https://shop.example', consumer_key: 'a', consumer_secret: 'b', passkey: 'c' } });
      expect(bad.json()).toMatchObject({ code: 'invalid_input', field: 'till_number' });
      const cashierDevice = await k.app.inject({ method: 'GET', url: '/v1/mpesa/account', headers: { authorization: `Bearer ${k.business.till.device_token}` } });
      expect(cashierDevice.statusCode).toBe(403);
    });

    it('a business without M-Pesa is told so, and has no account to show', async () => {
      const k = await suite.start();
      await suite.db.query('DELETE FROM mpesa_credentials WHERE business_id = $1', [k.business.business_id]);
      const stk = await k.requestStk({ phone: '254708374149', amount: 100 });
      expect(stk.status).toBe(409);
      expect(stk.body).toMatchObject({ code: 'mpesa_not_configured' });
      const session = await login(k.app, k.business.owner.email, k.business.owner.password);
      expect((await k.app.inject({ method: 'GET', url: '/v1/mpesa/account', headers: session.bearer })).statusCode).toBe(404);
    });

    it('quarantines unreadable, malformed, mismatched and out-of-order STK callbacks', async () => {
      const k = await suite.start();
      const { payment_id } = await k.requestStk({ phone: '254708371032', amount: 100 });
      await k.settle();
      const row = (await suite.db.query<{ checkout_request_id: string; merchant_request_id: string }>('SELECT checkout_request_id, merchant_request_id FROM payments WHERE payment_id = $1', [payment_id]))[0];
      const cb = (over: Record<string, unknown>, items?: unknown[]) => ({
        Body: { stkCallback: { MerchantRequestID: row?.merchant_request_id, CheckoutRequestID: row?.checkout_request_id, ResultCode: 0, ResultDesc: 'ok', ...(items ? { CallbackMetadata: { Item: items } } : {}), ...over } },
      });
      expect(await stkOutcome(k, '{not json')).toMatchObject({ outcome: 'quarantined', reason: 'unreadable_json' });
      expect((await stkOutcome(k, { Body: {} })).reason).toMatch(/^invalid_shape/);
      expect(await stkOutcome(k, cb({}, [{ Name: 'Amount', Value: 'lots' }]))).toMatchObject({ reason: 'amount_not_mpesa' });
      expect(await stkOutcome(k, cb({}, [{ Name: 'MpesaReceiptNumber', Value: 'x' }]))).toMatchObject({ reason: 'invalid_item: Body.stkCallback.CallbackMetadata.Item.MpesaReceiptNumber' });
      expect(await stkOutcome(k, cb({ MerchantRequestID: 'other' }))).toMatchObject({ reason: 'merchant_request_mismatch' });
      expect(await stkOutcome(k, cb({}, [{ Name: 'Amount', Value: 1 }]))).toMatchObject({ reason: 'conflicts_with_earlier_callback' });
      await suite.db.query(`UPDATE mpesa_callbacks SET outcome = 'ignored' WHERE business_id = $1`, [k.business.business_id]);
      // Not byte-equal to the callback above (a byte-equal copy is a duplicate before any check, issue 12).
      expect(await stkOutcome(k, cb({ ResultDesc: 'ok again' }, [{ Name: 'Amount', Value: 1 }]))).toMatchObject({ reason: 'no_receipt' });
      expect(await stkOutcome(k, cb({}, [{ Name: 'Amount', Value: 1 }, { Name: 'MpesaReceiptNumber', Value: 'ABC1234567' }, { Name: 'PhoneNumber', Value: 254700000000 }]))).toMatchObject({ reason: 'phone_mismatch' });
      expect(await stkOutcome(k, cb({}, [{ Name: 'Amount', Value: 1 }, { Name: 'MpesaReceiptNumber', Value: 'ABC1234567' }]))).toMatchObject({ reason: 'success_after_final_state' });
      expect(await stkOutcome(k, cb({ ResultCode: 1 }))).toMatchObject({ outcome: 'ignored', reason: 'payment already cancelled' });
      expect((await k.payment(payment_id)).state).toBe('cancelled');
    });

    it('raw callbacks stored together: one row that cannot be stored does not fail its neighbours', async () => {
      const k = await suite.start();
      const writer = new RawCallbackWriter(suite.db, { clock: k.clock, random });
      const results = await Promise.allSettled([
        writer.store(k.business.business_id, 'stk', '{}', null),
        writer.store('0190f3a4-0000-7000-8000-00000000dead', 'stk', '{}', null),
        writer.store(k.business.business_id, 'result', '{}', '127.0.0.1'),
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    });

    it('raw callbacks that arrive in one turn of the event loop share one INSERT, and each is answered after its row is committed', async () => {
      const k = await suite.start();
      const statements: string[] = [];
      const counted = (sql: string, params?: unknown[]) => (statements.push(sql), (suite.db.queryAhead ?? suite.db.query).call(suite.db, sql, params));
      // PGlite's raw INSERT goes ahead of waiting transactions (queryAhead): count both ways in.
      const counting: Db = { ...suite.db, query: counted, queryAhead: counted } as Db;
      const writer = new RawCallbackWriter(counting, { clock: k.clock, random });
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.store(k.business.business_id, 'stk', `{"n":${i}}`, null)));
      expect(statements).toHaveLength(1);
      const stored = await suite.db.query<{ n: number }>('SELECT count(*)::int AS n FROM mpesa_callbacks WHERE business_id = $1 AND callback_id = ANY($2::uuid[])', [k.business.business_id, ids]);
      expect(stored[0]?.n).toBe(20);
    });

    it('Transaction Status without initiator credentials waits; with a Daraja outage it retries; a duplicate result changes nothing', async () => {
      const k = await suite.start();
      const { payment_id } = await k.requestStk({ phone: '254708370404', amount: 100 });
      await suite.db.query(`UPDATE mpesa_credentials SET secrets_sealed = secrets_sealed WHERE business_id = $1`, [k.business.business_id]);
      await k.sim.app.inject({ method: 'POST', url: '/__sim/faults', payload: { rules: [{ match: { operation: 'transaction_status' }, times: 2, fault: { http_status: 500 } }, { match: { operation: 'transaction_status' }, fault: { duplicates: 1 } }] } });
      k.clock.advance(120_001);
      await k.settle();
      expect(await k.payment(payment_id)).toMatchObject({ state: 'succeeded', cashier_message: 'Paid — receipt number to follow' });
      const job = await suite.db.query<{ last_error: string }>(`SELECT last_error FROM mpesa_jobs WHERE subject = $1 AND kind = 'receipt_lookup'`, [payment_id]);
      expect(job[0]?.last_error).toContain('daraja_unavailable');
      k.clock.advance(60_000);
      await k.settle();
      expect((await k.payment(payment_id)).mpesa_receipt).toMatch(/^[A-Z]{3}/);
      const results = await suite.db.query<{ outcome: string }>(`SELECT outcome FROM mpesa_callbacks WHERE business_id = $1 AND route = 'result' ORDER BY outcome`, [k.business.business_id]);
      expect(results.map((row) => row.outcome)).toEqual(['duplicate', 'recorded']);
      expect((await outcomeOf(k, 'result', { Result: {} })).reason).toMatch(/^invalid_shape/);
      expect(await outcomeOf(k, 'result', '{')).toMatchObject({ reason: 'unreadable_json' });
      const unknown = { Result: { ResultCode: 0, ResultDesc: 'x', OriginatorConversationID: 'nobody', ConversationID: 'AG_nobody', TransactionID: 'X' } };
      expect(await outcomeOf(k, 'timeout', unknown)).toMatchObject({ outcome: 'quarantined', reason: 'unknown_request' });
      expect(await outcomeOf(k, 'c2b/validation', {})).toMatchObject({ outcome: 'ignored' });
      expect(await outcomeOf(k, 'c2b/confirmation', 'nope')).toMatchObject({ reason: 'unreadable_json' });
      expect((await outcomeOf(k, 'c2b/confirmation', { TransID: 'x' })).reason).toMatch(/^invalid_shape/);
    });

    it('a reversal Daraja refuses is recorded as failed; one its queue timed out is sent again', async () => {
      const k = await suite.start();
      const { payment_id } = await k.requestStk({ phone: '254708374149', amount: 1_000 });
      await k.settle();
      const receipt = (await k.payment(payment_id)).mpesa_receipt as string;
      const wrongAmount = uuidv7(k.clock, random);
      await requestReversal(k.mpesa, k.business.business_id, { reversal_id: wrongAmount, payment_id, mpesa_receipt: receipt, amount_cents: 500 });
      await k.settle();
      const failed = await suite.db.query<{ status: string; result_code: string }>('SELECT status, result_code FROM mpesa_reversals WHERE reversal_id = $1', [wrongAmount]);
      expect(failed[0]).toEqual({ status: 'failed', result_code: 'R000003' });
      expect((await k.payment(payment_id)).state).toBe('succeeded');
      await k.sim.app.inject({ method: 'POST', url: '/__sim/faults', payload: { rules: [{ match: { operation: 'reversal' }, fault: { queue_timeout: true } }] } });
      const retried = uuidv7(k.clock, random);
      await requestReversal(k.mpesa, k.business.business_id, { reversal_id: retried, payment_id, mpesa_receipt: receipt, amount_cents: 1_000 });
      await k.settle();
      expect((await suite.db.query<{ status: string }>('SELECT status FROM mpesa_reversals WHERE reversal_id = $1', [retried]))[0]?.status).toBe('requested');
      k.clock.advance(60_000);
      await k.settle();
      expect((await k.payment(payment_id)).state).toBe('reversed');
    });

    it('the worker timer drains due jobs on its own, and stops with the server', async () => {
      const k = await suite.start({ stk_deadline_ms: 1_000 });
      const { payment_id } = await k.requestStk({ phone: '254708370404', amount: 100 });
      await k.sim.idle();
      k.clock.advance(1_001);
      k.mpesa.start(5);
      for (let i = 0; i < 200 && (await k.payment(payment_id)).state !== 'succeeded'; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await k.payment(payment_id)).state).toBe('succeeded');
      await k.mpesa.stop();
    });

    it('callbacks from outside the allowlist are logged by default and refused when enforced', async () => {
      const { buildApp } = await import('../app.js');
      const { installMpesa } = await import('./install.js');
      const { test_config } = await import('../../test/support/index.js');
      const { generateSigningKey } = await import('../audit/signing-key.js');
      const k = await suite.start();
      for (const enforce of [false, true]) {
        const app = await buildApp({ db: suite.db, clock: k.clock, random, config: { ...test_config, signing_key: generateSigningKey(random) }, logger: false });
        await installMpesa(app, app.payme.deps, { keyring: k.keyring, callback_ip_allowlist: ['196.201.214.200'], enforce_ip_allowlist: enforce });
        await app.ready();
        const response = await app.inject({ method: 'POST', url: `/v1/mpesa/${k.callback_secret}/stk`, payload: '{}' , headers: { 'content-type': 'application/json' } });
        expect(response.statusCode).toBe(enforce ? 403 : 200);
        await app.close();
      }
    });
  });
}
