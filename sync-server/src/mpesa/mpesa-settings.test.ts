/**
 * Issue 12, "settings that exist take effect, or they are removed": every field of the owner's
 * M-Pesa account (PUT /v1/mpesa/account) is shown to change what the server sends Daraja or how
 * it treats a callback, and the two business settings nothing read (mpesa_trust_callback_path,
 * duplicate_payment_window_seconds) are refused in words, not answered 200.
 */
import { describe, expect, it } from 'vitest';
import { login, testDatabases, type Session } from '../../test/support/index.js';
import { darajaTimestamp } from './daraja-timestamp.js';
import { useMpesaKit } from './testing/mpesa-kit-suite.js';
import { kit_secrets, kit_store_number, type MpesaKit } from './testing/mpesa-test-kit.js';

interface SentBody {
  BusinessShortCode: string;
  Password: string;
  Timestamp: string;
  TransactionType: string;
  PartyB: string;
  CallBackURL: string;
  Initiator?: string;
  SecurityCredential?: string;
}

for (const target of testDatabases()) {
  describe(`M-Pesa settings take effect (${target.name}, issue 12)`, () => {
    const suite = useMpesaKit(target);

    /** The owner saves the whole account through the API; answers the masked account. */
    async function saveAccount(k: MpesaKit, owner: Session, change: Record<string, unknown>) {
      const sim = (await k.mpesa.account(k.business.business_id))!.base_url;
      const payload = { base_url: sim, kind: 'paybill', business_shortcode: kit_store_number, callback_base_url: k.base_url, ...kit_secrets, ...change };
      const response = await k.app.inject({ method: 'PUT', url: '/v1/mpesa/account', headers: owner.bearer, payload });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as Record<string, unknown>;
    }
    const sent = (k: MpesaKit, operation: string) => k.sim.context.inbound.filter((request) => request.operation === operation).map((request) => request.body as SentBody);

    it('kind, shortcode, till number, callback address, time zone and passkey shape the STK push; trust_callbacks decides whether a query confirms', async () => {
      const k = await suite.start();
      const owner = await login(k.app, k.business.owner.email, k.business.owner.password);

      // A paybill account, callbacks trusted, timestamps in UTC.
      await saveAccount(k, owner, { kind: 'paybill', trust_callbacks: true, time_zone: 'UTC' });
      const trusted = await k.requestStk({ phone: '254708374149', amount: 100 });
      await k.settle();
      expect((await k.payment(trusted.payment_id)).state).toBe('succeeded');
      expect(sent(k, 'stk_query')).toHaveLength(0);
      const paybill = sent(k, 'stk_push').at(-1)!;
      expect(paybill).toMatchObject({ BusinessShortCode: kit_store_number, PartyB: kit_store_number, TransactionType: 'CustomerPayBillOnline' });
      expect(paybill.CallBackURL.startsWith(`${k.base_url}/v1/mpesa/`)).toBe(true);
      expect(paybill.Timestamp).toBe(darajaTimestamp(k.clock.now(), 'UTC'));
      expect(Buffer.from(paybill.Password, 'base64').toString('utf8')).toBe(`${kit_store_number}${kit_secrets.passkey}${paybill.Timestamp}`);

      // A till account, callbacks confirmed by STK Query, Nairobi time: each of those changes.
      await saveAccount(k, owner, { kind: 'till', till_number: '600200', trust_callbacks: false, time_zone: 'Africa/Nairobi', callback_base_url: `${k.base_url}/` });
      const confirmed = await k.requestStk({ phone: '254708374149', amount: 200 });
      await k.settle();
      expect((await k.payment(confirmed.payment_id)).state).toBe('succeeded');
      expect(sent(k, 'stk_query')).toHaveLength(1);
      const till = sent(k, 'stk_push').at(-1)!;
      expect(till).toMatchObject({ BusinessShortCode: kit_store_number, PartyB: '600200', TransactionType: 'CustomerBuyGoodsOnline' });
      expect(till.Timestamp).toBe(darajaTimestamp(k.clock.now(), 'Africa/Nairobi'));
      expect(till.Timestamp).not.toBe(paybill.Timestamp);
      expect(till.CallBackURL.startsWith(`${k.base_url}/v1/mpesa/`)).toBe(true);

      // A wrong passkey: M-Pesa refuses the push, and the payment fails.
      await saveAccount(k, owner, { passkey: 'not-the-passkey' });
      const refused = await k.requestStk({ phone: '254708374149', amount: 300 });
      expect(refused.body).toMatchObject({ state: 'failed' });
    });

    it('the consumer key and secret are what OAuth is asked with; base_url is where every request goes', async () => {
      const k = await suite.start();
      const owner = await login(k.app, k.business.owner.email, k.business.owner.password);
      (k.sim.context.consumers as Map<string, string>).set('ck-owner-typed', 'cs-owner-typed');
      await saveAccount(k, owner, { consumer_key: 'ck-owner-typed', consumer_secret: 'cs-owner-typed' });
      const good = await k.requestStk({ phone: '254708374149', amount: 100 });
      expect(good.status).toBe(201);
      await k.settle();
      expect((await k.payment(good.payment_id)).state).toBe('succeeded');
      const pushes = sent(k, 'stk_push').length;
      await saveAccount(k, owner, { consumer_key: 'ck-owner-typed', consumer_secret: 'cs-wrong' });
      const bad = await k.requestStk({ phone: '254708374149', amount: 100 });
      expect(bad.body).toMatchObject({ state: 'failed' });
      expect(sent(k, 'stk_push')).toHaveLength(pushes);
      // Pointed elsewhere (nothing listens there), nothing reaches the simulator.
      await k.settle();
      const requests = k.sim.context.inbound.length;
      await saveAccount(k, owner, { base_url: 'http://127.0.0.1:9', consumer_key: 'ck-owner-typed', consumer_secret: 'cs-owner-typed' });
      const away = await k.requestStk({ phone: '254708374149', amount: 100 });
      expect(away.body).toMatchObject({ state: 'failed' });
      expect(k.sim.context.inbound).toHaveLength(requests);
    });

    it('the initiator name and security credential are what Transaction Status is asked with; without them it waits', async () => {
      const k = await suite.start();
      const owner = await login(k.app, k.business.owner.email, k.business.owner.password);
      await saveAccount(k, owner, { initiator_name: 'owner-initiator', security_credential: 'OWNERCREDENTIAL0001' });
      // The callback never comes: the deadline's query credits it, Transaction Status finds the receipt.
      k.sim.context.faults.add([{ times: 1, fault: { callback: 'lost' } }]);
      const { payment_id } = await k.requestStk({ phone: '254708374149', amount: 100 });
      await k.settle();
      k.clock.advance(120_001);
      await k.settle();
      expect(await k.payment(payment_id)).toMatchObject({ state: 'succeeded', mpesa_receipt: expect.stringMatching(/^[A-Z0-9]{10}$/) });
      expect(sent(k, 'transaction_status').at(-1)).toMatchObject({ Initiator: 'owner-initiator', SecurityCredential: 'OWNERCREDENTIAL0001' });

      const { initiator_name: _name, security_credential: _credential, ...without } = kit_secrets;
      void _name;
      void _credential;
      const sim = (await k.mpesa.account(k.business.business_id))!.base_url;
      const response = await k.app.inject({ method: 'PUT', url: '/v1/mpesa/account', headers: owner.bearer, payload: { base_url: sim, kind: 'paybill', business_shortcode: kit_store_number, callback_base_url: k.base_url, ...without } });
      expect(response.json()).toMatchObject({ initiator_name: null, security_credential: null });
      k.sim.context.faults.add([{ times: 1, fault: { callback: 'lost' } }]);
      const second = await k.requestStk({ phone: '254708374149', amount: 200 });
      await k.settle();
      k.clock.advance(120_001);
      await k.settle();
      const waiting = await k.payment(second.payment_id);
      expect(waiting).toMatchObject({ state: 'succeeded', cashier_message: 'Paid — receipt number to follow' });
      expect(waiting['mpesa_receipt']).toBeUndefined();
      const job = await suite.db.query<{ last_error: string }>(`SELECT last_error FROM mpesa_jobs WHERE subject = $1 AND kind = 'receipt_lookup'`, [second.payment_id]);
      expect(job[0]?.last_error).toBe('no initiator credentials for Transaction Status');
    });

    it('a removed setting (mpesa_trust_callback_path, duplicate_payment_window_seconds) is refused in words, changes nothing and is not listed', async () => {
      const k = await suite.start();
      const owner = await login(k.app, k.business.owner.email, k.business.owner.password);
      const send = (method: 'GET' | 'PUT' | 'PATCH', url: string, payload?: Record<string, unknown>) =>
        k.app.inject({ method, url, headers: owner.bearer, ...(payload === undefined ? {} : { payload }) });
      // A row an older release wrote stays in the table and is not shown.
      await suite.db.query(`INSERT INTO settings (business_id, key, value, updated_at) VALUES ($1, 'mpesa_trust_callback_path', 'true', now())`, [k.business.business_id]);
      for (const [key, value] of [['mpesa_trust_callback_path', true], ['duplicate_payment_window_seconds', 60]] as const) {
        const put = await send('PUT', `/v1/settings/${key}`, { value });
        expect(put.statusCode, key).toBe(400);
        expect(put.json()).toMatchObject({ code: 'invalid_input', field: 'key', message: expect.stringContaining('was removed') });
        const patch = await send('PATCH', '/v1/settings', { settings: { [key]: value } });
        expect(patch.statusCode, key).toBe(400);
        expect(patch.json()).toMatchObject({ code: 'invalid_input', field: key, message: expect.stringContaining('was removed') });
      }
      const all = await send('GET', '/v1/settings');
      expect(all.statusCode).toBe(200);
      const settings = (all.json() as { settings: Record<string, unknown> }).settings;
      expect(Object.keys(settings)).not.toContain('mpesa_trust_callback_path');
      expect(Object.keys(settings)).not.toContain('duplicate_payment_window_seconds');
      const audit = await suite.db.query(`SELECT 1 FROM audit_log WHERE business_id = $1 AND kind IN ('setting.changed', 'settings.changed')`, [k.business.business_id]);
      expect(audit).toHaveLength(0);
      // The switch that does take effect is the account's trust_callbacks (the first test).
      expect((await k.app.inject({ method: 'GET', url: '/v1/mpesa/account', headers: owner.bearer })).json()).toMatchObject({ trust_callbacks: false });
    });
  });
}
