/**
 * The owner's M-Pesa reconciliation of a business day (issue 13, UX "Did every M-Pesa payment
 * arrive?"), through the real server and the Daraja simulator: an STK payment that paid a sale,
 * a C2B payment a cashier typed the code of, a code typed for money that never arrived, and a
 * C2B payment nobody claimed, which a manager resolves from the queue.
 */
import { describe, expect, it } from 'vitest';
import { login } from '../../test/support/index.js';
import { TillEvents, pushBody } from '../../test/ingest-event-builder.js';
import { DarajaClient } from './daraja-client.js';
import { loadMpesaAccount } from './mpesa-account.js';
import { useMpesaKit } from './testing/mpesa-kit-suite.js';
import { kit_till_number, type MpesaKit } from './testing/mpesa-test-kit.js';
import { testDatabases } from '../../test/support/index.js';

const paying = '254708374149';

for (const target of testDatabases()) {
  describe(`M-Pesa reconciliation on ${target.name}`, () => {
    const suite = useMpesaKit(target);

    /** A customer pays the till number from the phone (C2B), through the simulator; returns the TransID. */
    async function payTill(k: MpesaKit, shillings: number): Promise<string> {
      const account = await loadMpesaAccount(suite.db, k.keyring, k.business.business_id);
      const client = new DarajaClient({ base_url: account!.base_url, consumer_key: 'k', consumer_secret: 's' }, { fetch: (url, init) => fetch(url, init), clock: k.clock, random: k.sim.context.random });
      const before = new Set(k.sim.context.money.keys());
      await k.sim.app.inject({ method: 'POST', url: '/mpesa/c2b/v1/simulate', headers: { authorization: `Bearer ${await client.accessToken()}` }, payload: { ShortCode: kit_till_number, CommandID: 'CustomerBuyGoodsOnline', Amount: shillings, Msisdn: paying } });
      await k.settle();
      const code = [...k.sim.context.money.keys()].find((key) => !before.has(key));
      if (!code) throw new Error('the simulator recorded no payment');
      return code;
    }

    /** The owner registers the C2B URLs; the business's till pushes events that must all apply. */
    async function c2bTill(k: MpesaKit) {
      const owner = await login(k.app, k.business.owner.email, k.business.owner.password);
      expect((await k.app.inject({ method: 'POST', url: '/v1/mpesa/c2b/register', headers: owner.bearer, payload: {} })).statusCode).toBe(200);
      const till = new TillEvents(k.business.till.id, k.business.cashier.id, 11, k.business.till.receipt_prefix);
      const push = async (events: ReturnType<TillEvents['event']>[]) => {
        const response = await k.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${k.business.till.device_token}` }, payload: pushBody(k.business.till.id, events) });
        expect(response.json().results.map((result: { status: string }) => result.status), response.body).toEqual(events.map(() => 'applied'));
      };
      return { owner, till, sugar: k.business.products[0]!, push };
    }

    it('received, matched, unmatched, expected and unverified codes of the day; a manager resolves the unmatched payment', async () => {
      const k = await suite.start();
      const manager = await login(k.app, k.business.manager.email, k.business.manager.password);
      const { till, sugar, push } = await c2bTill(k);
      const mpesaSale = (tender: Record<string, unknown>, saleId = till.id()) => {
        const payload = till.salePayload([[sugar, 1]], { sale_id: saleId });
        return till.event('sale_completed', { ...payload, tenders: [{ kind: 'mpesa', amount: payload['total'], ...tender }] });
      };

      // 1. STK: the customer pays 175.00 for a sale, and the sale is pushed with its payment.
      const stkSale = till.id();
      const stk = await k.requestStk({ phone: paying, amount: 17_500, sale_id: stkSale });
      expect(stk.status).toBe(201);
      await k.settle();
      // 2. C2B: a customer pays the till number; the cashier types the code on the sale.
      const typed = await payTill(k, 175);
      const claimedSale = till.id();
      const claim = (code: string, saleId: string) => till.event('mpesa_claim_recorded', { claim_id: till.id(), sale_id: saleId, code, amount: 17_500 });
      // 3. A code typed for money that never came.
      const neverSale = till.id();
      await push([
        mpesaSale({ payment_id: stk.payment_id }, stkSale),
        mpesaSale({ claim_code: typed }, claimedSale),
        claim(typed, claimedSale),
        mpesaSale({ claim_code: 'QQQ0000000' }, neverSale),
        claim('QQQ0000000', neverSale),
      ]);
      await k.settle();
      // 4. Money nobody claims.
      const stray = await payTill(k, 320);
      await k.mpesa.drain();

      const report = (await k.app.inject({ method: 'GET', url: '/v1/reports/mpesa', headers: manager.bearer })).json();
      expect(report.business_day).toBe('2026-11-26');
      expect(report.received).toEqual({ count: 3, amount_cents: 17_500 + 17_500 + 32_000 });
      expect(report.matched).toEqual({ count: 2, amount_cents: 35_000 });
      expect(report.unmatched).toEqual({ count: 1, amount_cents: 32_000 });
      expect(report.expected).toEqual({ count: 3, amount_cents: 52_500 });
      expect(report.difference_cents).toBe(67_000 - 52_500);
      // The test clock stands still, so the three arrive at one instant: compare them in a fixed order.
      expect(report.payments.map((payment: { source: string; state: string; amount_cents: number }) => [payment.source, payment.state, payment.amount_cents]).sort()).toEqual([
        ['c2b', 'matched', 17_500],
        ['c2b', 'unmatched', 32_000],
        ['stk', 'matched', 17_500],
      ]);
      expect(report.payments.find((payment: { id: string }) => payment.id === typed)).toMatchObject({ sale_id: claimedSale });
      expect(report.unverified_claims).toMatchObject([{ code: 'QQQ0000000', amount_cents: 17_500, sale_id: neverSale }]);
      const strayItem = report.queue.find((item: { subject: string; resolved_at: string | null }) => item.subject === stray && item.resolved_at === null);
      expect(strayItem).toMatchObject({ kind: 'c2b_unmatched', amount_cents: 32_000, actions: ['matched_to_sale', 'refunded_to_customer', 'dismissed'] });

      // The sale detail shows the typed code verified by the confirmation, and the other not.
      const verified = (await k.app.inject({ method: 'GET', url: `/v1/sales/${claimedSale}`, headers: manager.bearer })).json();
      expect(verified.tenders).toMatchObject([{ kind: 'mpesa', claim_code: typed, claim_verified: true }]);
      const unverified = (await k.app.inject({ method: 'GET', url: `/v1/sales/${neverSale}`, headers: manager.bearer })).json();
      expect(unverified.tenders).toMatchObject([{ claim_code: 'QQQ0000000', claim_verified: false }]);

      // A manager resolves the stray payment: it leaves the open queue, and the alarm with it.
      const resolved = await k.app.inject({
        method: 'POST',
        url: `/v1/mpesa/unmatched/${strayItem.item_id}/resolve`,
        headers: { ...manager.bearer, 'idempotency-key': 'resolve-stray-1' },
        payload: { resolution: 'dismissed', reason: 'Paid for a delivery, recorded in the book' },
      });
      expect(resolved.statusCode, resolved.body).toBe(200);
      const after = (await k.app.inject({ method: 'GET', url: '/v1/reports/mpesa', headers: manager.bearer })).json();
      expect(after.queue.find((item: { item_id: string }) => item.item_id === strayItem.item_id)).toMatchObject({ resolution: 'dismissed', actions: [] });
      const alarms = (await k.app.inject({ method: 'GET', url: '/v1/alarms', headers: manager.bearer })).json();
      expect(alarms.alarms.filter((alarm: { kind: string }) => alarm.kind === 'mpesa_unmatched')).toEqual([]);
      expect((await k.app.inject({ method: 'GET', url: '/v1/reports/mpesa?day=2026-11-25', headers: manager.bearer })).json().received).toEqual({ count: 0, amount_cents: 0 });
    });

    it('money matched by amount to a mistyped code moves to the sale whose claim later names its code exactly', async () => {
      const k = await suite.start();
      const { owner, till, sugar, push } = await c2bTill(k);
      const typedSale = (code: string, saleId: string) => {
        const payload = till.salePayload([[sugar, 1]], { sale_id: saleId });
        return [
          till.event('sale_completed', { ...payload, tenders: [{ kind: 'mpesa', amount: payload['total'], claim_code: code }] }),
          till.event('mpesa_claim_recorded', { claim_id: till.id(), sale_id: saleId, code, amount: 17_500 }),
        ];
      };
      // A cashier mistypes a code for 175.00 that M-Pesa never sends; then 175.00 arrives by C2B
      // and, with no claim naming it, is matched by amount to the mistyped one.
      const mistyped = till.id();
      await push(typedSale('QQQ0000000', mistyped));
      const code = await payTill(k, 175);
      await k.mpesa.drain();
      const guessed = (await k.app.inject({ method: 'GET', url: '/v1/reports/mpesa', headers: owner.bearer })).json();
      expect(guessed.payments.find((payment: { id: string }) => payment.id === code)).toMatchObject({ state: 'matched', sale_id: mistyped });

      // Another sale's claim names the code exactly: the money is that sale's, and the mistyped code waits again.
      const exact = till.id();
      await push(typedSale(code, exact));
      await k.settle();
      await k.mpesa.drain();
      const report = (await k.app.inject({ method: 'GET', url: '/v1/reports/mpesa', headers: owner.bearer })).json();
      expect(report.payments.find((payment: { id: string }) => payment.id === code)).toMatchObject({ state: 'matched', sale_id: exact });
      expect(report.unverified_claims.map((claim: { code: string; sale_id: string }) => [claim.code, claim.sale_id])).toEqual([['QQQ0000000', mistyped]]);
      const verified = (await k.app.inject({ method: 'GET', url: `/v1/sales/${exact}`, headers: owner.bearer })).json();
      expect(verified.tenders).toMatchObject([{ claim_code: code, claim_verified: true }]);
      expect(report.queue.filter((item: { resolved_at: string | null }) => item.resolved_at === null)).toEqual([]);
    });
  });
}
