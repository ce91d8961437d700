import { describe, expect, it } from 'vitest';
import { createTestBusiness, login, testDatabases, type Session } from '../../test/support/index.js';
import { TillEvents, pushBody } from '../../test/ingest-event-builder.js';
import { DarajaClient } from './daraja-client.js';
import { loadMpesaAccount } from './mpesa-account.js';
import { job_attempts_max, job_backoff_cap_ms } from './mpesa-jobs.js';
import { useMpesaKit } from './testing/mpesa-kit-suite.js';
import { kit_secrets, kit_till_number, type MpesaKit } from './testing/mpesa-test-kit.js';

interface Item {
  item_id: string;
  kind: string;
  subject: string;
  amount_cents: number | null;
  resolution: string | null;
  resolution_details: Record<string, unknown> | null;
  resolved_by: string | null;
}

for (const target of testDatabases()) {
  describe(`the owner's M-Pesa queue and C2B registration on ${target.name}`, () => {
    const suite = useMpesaKit(target);

    async function start(): Promise<{ k: MpesaKit; owner: Session }> {
      const k = await suite.start();
      return { k, owner: await login(k.app, k.business.owner.email, k.business.owner.password) };
    }

    const register = (k: MpesaKit, owner: Session, payload: unknown = {}) =>
      k.app.inject({ method: 'POST', url: '/v1/mpesa/c2b/register', headers: owner.bearer, payload: payload as Record<string, unknown> });

    /** A customer pays the till number straight from the phone (C2B), through the simulator. */
    async function payTill(k: MpesaKit, amount: number): Promise<string> {
      const account = await loadMpesaAccount(suite.db, k.keyring, k.business.business_id);
      const client = new DarajaClient({ base_url: account!.base_url, consumer_key: 'k', consumer_secret: 's' }, { fetch: (url, init) => fetch(url, init), clock: k.clock, random: k.sim.context.random });
      const before = new Set(k.sim.context.money.keys());
      await k.sim.app.inject({ method: 'POST', url: '/mpesa/c2b/v1/simulate', headers: { authorization: `Bearer ${await client.accessToken()}` }, payload: { ShortCode: kit_till_number, CommandID: 'CustomerBuyGoodsOnline', Amount: amount, Msisdn: '254708374149' } });
      await k.settle();
      const code = [...k.sim.context.money.keys()].find((key) => !before.has(key));
      if (!code) throw new Error('the simulator recorded no payment');
      return code;
    }

    /** A cash sale pushed by the kit's till; returns its id. */
    async function pushSale(k: MpesaKit): Promise<string> {
      const till = new TillEvents(k.business.till.id, k.business.cashier.id, 7, k.business.till.receipt_prefix);
      const sale = till.sale([[k.business.products[0]!, 1]]);
      const response = await k.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${k.business.till.device_token}` }, payload: pushBody(k.business.till.id, [sale]) });
      expect(response.json()).toMatchObject({ results: [{ status: 'applied' }] });
      return (sale['payload'] as { sale_id: string }).sale_id;
    }

    async function items(k: MpesaKit, owner: Session, status = 'open'): Promise<Item[]> {
      const response = await k.app.inject({ method: 'GET', url: `/v1/mpesa/unmatched?status=${status}`, headers: owner.bearer });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { items: Item[] }).items;
    }

    const resolve = (k: MpesaKit, owner: Session, itemId: string, payload: unknown, key: string | null) =>
      k.app.inject({ method: 'POST', url: `/v1/mpesa/unmatched/${itemId}/resolve`, headers: { ...owner.bearer, ...(key ? { 'idempotency-key': key } : {}) }, payload: payload as Record<string, unknown> });

    async function auditKinds(k: MpesaKit, kind: string) {
      return suite.db.query<{ subject: string; actor: string | null; data: Record<string, unknown> }>('SELECT subject, actor, data FROM audit_log WHERE business_id = $1 AND kind = $2 ORDER BY seq', [k.business.business_id, kind]);
    }

    it('the owner registers the C2B URLs: Daraja gets the real ones, the owner sees them masked; errors are typed', async () => {
      const { k, owner } = await start();
      const response = await register(k, owner, { response_type: 'Completed' });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as Record<string, unknown>;
      expect(body).toMatchObject({ shortcode: kit_till_number, response_type: 'Completed', daraja: { response_code: '0' } });
      expect(body.confirmation_url).toBe(`${k.base_url}/v1/mpesa/••••/c2b/confirmation`);
      expect(body.validation_url).toBe(`${k.base_url}/v1/mpesa/••••/c2b/validation`);
      expect(response.body).not.toContain(k.callback_secret);
      expect(k.sim.context.c2b_urls.get(kit_till_number)).toMatchObject({ confirmation: `${k.base_url}/v1/mpesa/${k.callback_secret}/c2b/confirmation`, response_type: 'Completed' });
      const audit = await auditKinds(k, 'mpesa_c2b_registered');
      expect(audit).toHaveLength(1);
      expect(audit[0]?.actor).toBe(k.business.owner.id);
      expect(JSON.stringify(audit)).not.toContain(k.callback_secret);
      for (const secret of Object.values(kit_secrets)) expect(response.body + JSON.stringify(audit)).not.toContain(secret);

      await k.sim.app.inject({ method: 'POST', url: '/__sim/faults', payload: { rules: [{ match: { operation: 'c2b_register' }, times: 0, fault: { http_status: 500 } }] } });
      const down = await register(k, owner);
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ code: 'daraja_unavailable' });
      expect((await register(k, owner, { response_type: 'Sometimes' })).json()).toMatchObject({ code: 'invalid_input', field: 'response_type' });
      const device = await k.app.inject({ method: 'POST', url: '/v1/mpesa/c2b/register', headers: { authorization: `Bearer ${k.business.till.device_token}` }, payload: {} });
      expect(device.statusCode).toBe(403);
      const other = await createTestBusiness(k.app.payme.deps);
      const otherOwner = await login(k.app, other.owner.email, other.owner.password);
      expect((await register(k, otherOwner)).json()).toMatchObject({ code: 'mpesa_not_configured' });
    });

    it('an unmatched C2B payment is matched to a sale by the owner, once, with an audit entry and Idempotency-Key replay', async () => {
      const { k, owner } = await start();
      expect((await register(k, owner)).statusCode).toBe(200);
      const code = await payTill(k, 350);
      const saleId = await pushSale(k);
      const [item] = await items(k, owner);
      expect(item).toMatchObject({ kind: 'c2b_unmatched', subject: code, amount_cents: 35_000, resolution: null });

      expect((await resolve(k, owner, item!.item_id, { resolution: 'matched_to_sale', sale_id: saleId }, null)).json()).toMatchObject({ code: 'idempotency_key_required' });
      const unknownSale = await resolve(k, owner, item!.item_id, { resolution: 'matched_to_sale', sale_id: k.business.products[0]!.id }, 'resolve-0');
      expect(unknownSale.statusCode).toBe(404);
      expect(unknownSale.json()).toMatchObject({ field: 'sale_id' });

      const body = { resolution: 'matched_to_sale', sale_id: saleId, note: 'Customer showed the SMS at the counter' };
      const first = await resolve(k, owner, item!.item_id, body, 'resolve-1');
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ item_id: item!.item_id, resolution: 'matched_to_sale', resolved_by: k.business.owner.id, resolution_details: { sale_id: saleId, note: body.note } });
      const replay = await resolve(k, owner, item!.item_id, body, 'resolve-1');
      expect(replay.json()).toEqual(first.json());
      expect((await resolve(k, owner, item!.item_id, { ...body, note: 'another' }, 'resolve-1')).json()).toMatchObject({ code: 'idempotency_key_reused' });
      const again = await resolve(k, owner, item!.item_id, { resolution: 'dismissed', reason: 'twice' }, 'resolve-2');
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'already_resolved' });

      const transaction = await suite.db.query<{ status: string; sale_id: string }>('SELECT status, sale_id::text AS sale_id FROM mpesa_c2b_transactions WHERE business_id = $1 AND trans_id = $2', [k.business.business_id, code]);
      expect(transaction).toEqual([{ status: 'matched', sale_id: saleId }]);
      const audit = await auditKinds(k, 'mpesa_unmatched_resolved');
      expect(audit).toEqual([{ subject: item!.item_id, actor: k.business.owner.id, data: expect.objectContaining({ kind: 'c2b_unmatched', subject: code, resolution: 'matched_to_sale', sale_id: saleId, amount_cents: 35_000 }) }]);
      expect(await items(k, owner)).toEqual([]);
      expect((await items(k, owner, 'resolved')).map((row) => row.item_id)).toEqual([item!.item_id]);
      expect((await items(k, owner, 'all')).map((row) => row.item_id)).toEqual([item!.item_id]);

      // Another business's owner cannot see or resolve it.
      const other = await createTestBusiness(k.app.payme.deps);
      const otherOwner = await login(k.app, other.owner.email, other.owner.password);
      expect(await items(k, otherOwner, 'all')).toEqual([]);
      expect((await resolve(k, otherOwner, item!.item_id, { resolution: 'dismissed', reason: 'mine now' }, 'x-1')).statusCode).toBe(404);
      expect((await k.app.inject({ method: 'GET', url: '/v1/mpesa/unmatched?status=maybe', headers: owner.bearer })).json()).toMatchObject({ code: 'invalid_input' });
    });

    it('the owner sends unmatched money back through an M-Pesa reversal, or records a refund made outside', async () => {
      const { k, owner } = await start();
      await register(k, owner);
      const first = await payTill(k, 120);
      const second = await payTill(k, 80);
      const open = await items(k, owner);
      const bySubject = new Map(open.map((row) => [row.subject, row]));
      const reverse = await resolve(k, owner, bySubject.get(first)!.item_id, { resolution: 'refunded_to_customer', via: 'mpesa_reversal' }, 'refund-1');
      expect(reverse.statusCode, reverse.body).toBe(200);
      const reversalId = (reverse.json() as Item).resolution_details?.reversal_id as string;
      await k.settle();
      const reversal = await suite.db.query<{ status: string; mpesa_receipt: string; amount_cents: number }>(
        'SELECT status, mpesa_receipt, amount_cents::int AS amount_cents FROM mpesa_reversals WHERE business_id = $1 AND reversal_id = $2',
        [k.business.business_id, reversalId],
      );
      expect(reversal).toEqual([{ status: 'succeeded', mpesa_receipt: first, amount_cents: 12_000 }]);
      expect(k.sim.context.money.get(first)?.reversed_by).toBeTruthy();

      const outside = await resolve(k, owner, bySubject.get(second)!.item_id, { resolution: 'refunded_to_customer', via: 'outside', note: 'Gave KES 80 cash back' }, 'refund-2');
      expect(outside.json()).toMatchObject({ resolution: 'refunded_to_customer', resolution_details: { via: 'outside', note: 'Gave KES 80 cash back' } });
      expect(k.sim.context.money.get(second)?.reversed_by).toBeFalsy();
      expect((await resolve(k, owner, bySubject.get(second)!.item_id, { resolution: 'refunded_to_customer', via: 'by pigeon' }, 'refund-3')).json()).toMatchObject({ code: 'invalid_input', field: 'via' });
      expect((await resolve(k, owner, bySubject.get(second)!.item_id, { resolution: 'dismissed' }, 'refund-4')).json()).toMatchObject({ code: 'invalid_input', field: 'reason' });
    });

    it('a reconciliation job that gives up alerts the owner (queue, audit, warn log without the phone) and can only be dismissed', async () => {
      const { k, owner } = await start();
      const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
      k.mpesa.options.onWarn = (fields, message) => warnings.push({ fields, message });
      await k.sim.app.inject({ method: 'POST', url: '/__sim/faults', payload: { rules: [{ match: { operation: 'stk_query' }, times: 0, fault: { http_status: 500 } }] } });
      const { payment_id } = await k.requestStk({ phone: '254708370404', amount: 2_500 });
      await k.settle();
      k.clock.advance(120_001);
      for (let round = 0; round <= job_attempts_max && warnings.length === 0; round += 1) {
        await k.mpesa.drain();
        k.clock.advance(job_backoff_cap_ms + 1);
      }
      const job = await suite.db.query<{ attempts: number; gave_up: boolean; done: boolean }>(
        `SELECT attempts, gave_up_at IS NOT NULL AS gave_up, done_at IS NOT NULL AS done FROM mpesa_jobs WHERE business_id = $1 AND subject = $2 AND kind = 'stk_deadline'`,
        [k.business.business_id, payment_id],
      );
      expect(job).toEqual([{ attempts: job_attempts_max, gave_up: true, done: true }]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.fields).toMatchObject({ job_kind: 'stk_deadline', subject: payment_id, attempts: job_attempts_max });
      expect(String(warnings[0]?.fields.last_error)).toContain('daraja_unavailable');
      expect(JSON.stringify(warnings)).not.toContain('254708370404');
      for (const secret of Object.values(kit_secrets)) expect(JSON.stringify(warnings)).not.toContain(secret);
      expect((await k.payment(payment_id)).state).toBe('unknown');

      const [alert] = await items(k, owner);
      expect(alert).toMatchObject({ kind: 'job_gave_up', amount_cents: 2_500 });
      expect((await auditKinds(k, 'mpesa_job_gave_up')).map((row) => row.subject)).toEqual([payment_id]);
      // Nothing more is tried, and a second sweep alerts nobody twice.
      await k.mpesa.drain();
      expect(warnings).toHaveLength(1);
      const refused = await resolve(k, owner, alert!.item_id, { resolution: 'matched_to_sale', sale_id: payment_id }, 'alert-1');
      expect(refused.json()).toMatchObject({ code: 'resolution_not_allowed', field: 'resolution' });
      const dismissed = await resolve(k, owner, alert!.item_id, { resolution: 'dismissed', reason: 'Checked the M-Pesa statement: not paid' }, 'alert-2');
      expect(dismissed.json()).toMatchObject({ resolution: 'dismissed', resolution_details: { reason: 'Checked the M-Pesa statement: not paid' } });
    });
  });
}
