import { describe, expect, it } from 'vitest';
import { isoAt, uuidv7, SeededRandom } from '@payme/shared';
import { testDatabases } from '../../test/support/index.js';
import { DarajaClient } from './daraja-client.js';
import { callbackUrls, loadMpesaAccount } from './mpesa-account.js';
import { requestReversal } from './mpesa-job-handlers.js';
import { useMpesaKit } from './testing/mpesa-kit-suite.js';
import { kit_till_number, type MpesaKit } from './testing/mpesa-test-kit.js';

for (const target of testDatabases()) {
  describe(`C2B and reversals on ${target.name}`, () => {
    const suite = useMpesaKit(target);
    const random = new SeededRandom(77);

    async function c2bSetup(): Promise<{ k: MpesaKit; pay: (amount: number) => Promise<string> }> {
      const k = await suite.start();
      const account = await loadMpesaAccount(suite.db, k.keyring, k.business.business_id);
      if (!account) throw new Error('no account');
      const client = new DarajaClient({ base_url: account.base_url, consumer_key: 'k', consumer_secret: 's' }, { fetch: (url, init) => fetch(url, init), clock: k.clock, random });
      const urls = callbackUrls(account);
      await client.registerC2bUrls({ shortcode: kit_till_number, response_type: 'Completed', confirmation_url: urls.confirmation, validation_url: urls.validation });
      const pay = async (amount: number) => {
        const before = k.sim.context.money.size;
        await k.sim.app.inject({ method: 'POST', url: '/mpesa/c2b/v1/simulate', headers: { authorization: `Bearer ${await client.accessToken()}` }, payload: { ShortCode: kit_till_number, CommandID: 'CustomerBuyGoodsOnline', Amount: amount, Msisdn: '254708374149' } });
        await k.settle();
        expect(k.sim.context.money.size).toBe(before + 1);
        return [...k.sim.context.money.keys()].at(-1) as string;
      };
      return { k, pay };
    }

    async function claim(k: MpesaKit, code: string, amountCents: number): Promise<string> {
      const claimId = uuidv7(k.clock, random);
      await suite.db.query(
        `INSERT INTO mpesa_claims (business_id, claim_id, sale_id, code, amount_cents, phone, till_id, event_id, occurred_at, received_at)
         VALUES ($1, $2, NULL, $3, $4, NULL, $5, $6, $7, $7)`,
        [k.business.business_id, claimId, code, amountCents, k.business.till.id, uuidv7(k.clock, random), isoAt(k.clock.now())],
      );
      return claimId;
    }

    async function transaction(code: string) {
      const rows = await suite.db.query<{ status: string; claim_id: string | null }>('SELECT status, claim_id::text AS claim_id FROM mpesa_c2b_transactions WHERE trans_id = $1', [code]);
      return rows[0];
    }

    async function queue(k: MpesaKit) {
      const rows = await suite.db.query<{ kind: string; subject: string }>('SELECT kind, subject FROM mpesa_unmatched WHERE business_id = $1 ORDER BY kind, subject', [k.business.business_id]);
      return rows.map((row) => `${row.kind}:${row.subject}`);
    }

    it('a confirmation nobody claimed waits for the owner; the cashier’s claim typed later matches it by code', async () => {
      const { k, pay } = await c2bSetup();
      const code = await pay(350);
      expect(await transaction(code)).toMatchObject({ status: 'unmatched' });
      expect(await queue(k)).toEqual([`c2b_unmatched:${code}`]);
      const claimId = await claim(k, code, 35_000);
      await k.mpesa.drain();
      expect(await transaction(code)).toEqual({ status: 'matched', claim_id: claimId });
    });

    it('a code typed on two claims (a forwarded SMS) is flagged', async () => {
      const { k, pay } = await c2bSetup();
      const code = await pay(120);
      await claim(k, code, 12_000);
      await k.mpesa.drain();
      await claim(k, code, 12_000);
      await k.mpesa.drain();
      expect(await queue(k)).toContain(`code_typed_twice:${code}`);
    });

    it('a claim with a mistyped code is matched by amount within the window when it is the only one; two make it ambiguous', async () => {
      const { k, pay } = await c2bSetup();
      const typo = await claim(k, 'ZZZ0000001', 77_700);
      const code = await pay(777);
      expect(await transaction(code)).toEqual({ status: 'matched', claim_id: typo });
      await claim(k, 'ZZZ0000002', 88_800);
      await claim(k, 'ZZZ0000003', 88_800);
      const ambiguous = await pay(888);
      expect(await transaction(ambiguous)).toMatchObject({ status: 'ambiguous' });
      expect(await queue(k)).toContain(`c2b_ambiguous:${ambiguous}`);
    });

    it('a duplicated confirmation is recorded once', async () => {
      const { k, pay } = await c2bSetup();
      await k.sim.app.inject({ method: 'POST', url: '/__sim/faults', payload: { rules: [{ match: { operation: 'c2b_simulate' }, fault: { duplicates: 2, concurrent: true } }] } });
      const code = await pay(50);
      const rows = await suite.db.query<{ outcome: string }>(`SELECT outcome FROM mpesa_callbacks WHERE business_id = $1 AND route = 'c2b_confirmation' ORDER BY outcome`, [k.business.business_id]);
      expect(rows.map((row) => row.outcome)).toEqual(['duplicate', 'duplicate', 'recorded']);
      expect(await transaction(code)).toBeDefined();
    });

    it('a reversal of a paid STK payment completes: succeeded → reversed, asked twice it is sent once', async () => {
      const k = await suite.start();
      const { payment_id } = await k.requestStk({ phone: '254708374149', amount: 1_000 });
      await k.settle();
      const receipt = (await k.payment(payment_id)).mpesa_receipt as string;
      const reversalId = uuidv7(k.clock, random);
      expect(await requestReversal(k.mpesa, k.business.business_id, { reversal_id: reversalId, payment_id, mpesa_receipt: receipt, amount_cents: 1_000 })).toBe(true);
      expect(await requestReversal(k.mpesa, k.business.business_id, { reversal_id: reversalId, payment_id, mpesa_receipt: receipt, amount_cents: 1_000 })).toBe(false);
      await k.settle();
      expect((await k.payment(payment_id)).state).toBe('reversed');
      const reversal = await suite.db.query<{ status: string; reversal_receipt: string }>('SELECT status, reversal_receipt FROM mpesa_reversals WHERE reversal_id = $1', [reversalId]);
      expect(reversal[0]).toMatchObject({ status: 'succeeded' });
      expect(k.sim.context.inbound.filter((request) => request.operation === 'reversal')).toHaveLength(1);
      expect(k.sim.context.money.get(receipt)?.reversed_by).toBe(reversal[0]?.reversal_receipt);
    });
  });
}
