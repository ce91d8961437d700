/**
 * Issue 12, defects 1 to 3, each with a test that failed on the code before the fix:
 * 1. a C2B confirmation whose text PostgreSQL cannot store (a NUL) was answered "Accepted" and
 *    then vanished: now it stays raw and is an item in the owner's M-Pesa queue;
 * 2. a byte-equal copy of a callback changes nothing, the owner's queue included;
 * 3. a TransAmount M-Pesa cannot carry (a fraction, below a shilling, above 250,000) is not
 *    recorded as money but kept as a refused record for the owner, one item per distinct body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { login, openMigrated, testDatabases, type Session } from '../../test/support/index.js';
import { startMpesaKit, type MpesaKit } from './testing/mpesa-test-kit.js';

interface Item {
  kind: string;
  subject: string;
  amount_cents: number | null;
  details: Record<string, unknown>;
}

function confirmation(transId: string, amount: unknown, extra: Record<string, unknown> = {}) {
  return { TransactionType: 'Buy Goods', TransID: transId, TransTime: '20261126093000', TransAmount: amount, BusinessShortCode: '600100', BillRefNumber: '', MSISDN: '254708374149', FirstName: 'Jane', ...extra };
}

for (const target of testDatabases()) {
  describe(`refused and repeated M-Pesa callbacks on ${target.name} (issue 12)`, () => {
    let db: Db;
    let kit: MpesaKit;
    let owner: Session;

    beforeAll(async () => {
      db = await openMigrated(target);
      kit = await startMpesaKit(db, { seed: 12 });
      owner = await login(kit.app, kit.business.owner.email, kit.business.owner.password);
    });
    afterAll(async () => {
      await kit.close();
      await db.close();
    });

    const post = async (route: string, payload: string | Buffer) => {
      const response = await kit.app.inject({ method: 'POST', url: `/v1/mpesa/${kit.callback_secret}/${route}`, headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ ResultDesc: 'Accepted' });
    };
    const items = async (): Promise<Item[]> => {
      const response = await kit.app.inject({ method: 'GET', url: '/v1/mpesa/unmatched?status=open', headers: owner.bearer });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { items: Item[] }).items;
    };
    /** The open items that were not there before. */
    const newItems = async (before: Item[]) => {
      const seen = new Set(before.map((item) => `${item.kind}/${item.subject}`));
      return (await items()).filter((item) => !seen.has(`${item.kind}/${item.subject}`));
    };
    const money = async (transId: string) =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mpesa_c2b_transactions WHERE business_id = $1 AND trans_id = $2', [kit.business.business_id, transId]))[0]?.n;

    it('defect 1: a confirmation with a NUL in a text field is acknowledged and then shown to the owner, never lost', async () => {
      const before = await items();
      await post('c2b/confirmation', JSON.stringify(confirmation('NUL0000001', '150.00', { BillRefNumber: 'INV\u00001' })));
      await kit.settle();
      const added = await newItems(before);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ kind: 'quarantined_callback', amount_cents: null });
      expect(String(added[0]!.details['reason'])).not.toContain('254708374149');
      const raw = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM mpesa_callbacks WHERE business_id = $1 AND body LIKE '%NUL0000001%' AND outcome = 'quarantined'`, [kit.business.business_id]);
      expect(raw[0]?.n).toBe(1);
    });

    it('defect 3: amounts M-Pesa cannot carry are refused records for the owner, not money, one item per distinct body', async () => {
      const before = await items();
      const bodies = [confirmation('AMT0000001', '250001'), confirmation('AMT0000002', '100.50'), confirmation('AMT0000003', '0.50'), confirmation('AMT0000004', 10.5), confirmation('AMT0000005', '1e3')];
      for (const body of bodies) await post('c2b/confirmation', JSON.stringify(body));
      // A byte-equal copy of one of them adds nothing.
      await post('c2b/confirmation', JSON.stringify(bodies[0]));
      await kit.settle();
      for (const body of bodies) expect(await money(body.TransID), body.TransID).toBe(0);
      const added = await newItems(before);
      expect(added).toHaveLength(bodies.length);
      expect(added.every((item) => item.kind === 'quarantined_callback' && item.amount_cents === null)).toBe(true);
      // A good amount is still money.
      await post('c2b/confirmation', JSON.stringify(confirmation('AMT0000006', '250000')));
      await kit.settle();
      expect(await money('AMT0000006')).toBe(1);
    });

    it('raw first, as bytes: bodies PostgreSQL text cannot hold (NUL, invalid UTF-8, an encoded lone surrogate) are acknowledged, kept byte for byte, and in the owner queue', async () => {
      const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
      const c2b = (transId: string, firstName: number[] | string) =>
        bytes(`{"TransactionType":"Buy Goods","TransID":"${transId}","TransTime":"20261126093000","TransAmount":"150.00","BusinessShortCode":"600100","MSISDN":"254708374149","FirstName":"`, firstName, '"}');
      const bodies: Array<[string, Buffer]> = [
        ['c2b/confirmation', c2b('BYT0000001', [0x4a, 0x00, 0x61])],
        ['c2b/confirmation', c2b('BYT0000002', [0x4a, 0xff, 0x61])],
        ['c2b/confirmation', c2b('BYT0000003', [0xed, 0xa0, 0x80])],
        ['c2b/confirmation', c2b('BYT0000004', '\\ud800')],
        ['stk', bytes('{"Body":{"stkCallback":{"MerchantRequestID":"', [0xc3, 0x28], '","CheckoutRequestID":"ws_CO_1","ResultCode":0,"ResultDesc":"ok"}}}')],
      ];
      const stored = async (body: Buffer) =>
        db.query<{ callback_id: string; body_bytes: Uint8Array; outcome: string }>(
          'SELECT callback_id::text AS callback_id, body_bytes, outcome FROM mpesa_callbacks WHERE business_id = $1 AND body_bytes = $2::bytea ORDER BY received_at, callback_id',
          [kit.business.business_id, body],
        );
      for (const [route, body] of bodies) {
        const before = await items();
        const response = await kit.app.inject({ method: 'POST', url: `/v1/mpesa/${kit.callback_secret}/${route}`, headers: { 'content-type': 'application/json' }, payload: body });
        expect(response.statusCode, route).toBe(200);
        expect(response.json()).toMatchObject({ ResultDesc: 'Accepted' });
        await kit.settle();
        const rows = await stored(body);
        expect(rows).toHaveLength(1);
        expect(Buffer.from(rows[0]!.body_bytes).equals(body)).toBe(true);
        const added = await newItems(before);
        // Refused, it is a quarantined item naming its raw record; taken as money (the lone
        // surrogate escape is text), it is the unmatched payment.
        expect(added.some((item) => item.details['callback_id'] === rows[0]!.callback_id || (item.kind === 'c2b_unmatched' && body.includes(Buffer.from(item.subject)))), body.toString('latin1')).toBe(true);
      }
      // A byte-equal copy of a body that is not UTF-8 changes nothing.
      const before = await items();
      await post('stk', bodies[4]![1]);
      await kit.settle();
      expect(await items()).toEqual(before);
      expect((await stored(bodies[4]![1])).map((row) => row.outcome).sort()).toEqual(['duplicate', 'quarantined']);
    });

    it('defect 2: byte-equal copies of an STK callback change nothing, the owner queue included', async () => {
      const request = await kit.requestStk({ phone: '254708374149', amount: 100 });
      await kit.settle();
      const state = (await kit.payment(request.payment_id)).state;
      const stored = await db.query<{ body: string }>(
        `SELECT body FROM mpesa_callbacks WHERE business_id = $1 AND route = 'stk' AND subject = (SELECT checkout_request_id FROM payments WHERE payment_id = $2)`,
        [kit.business.business_id, request.payment_id],
      );
      expect(stored).toHaveLength(1);
      const before = await items();
      for (let copy = 0; copy < 3; copy += 1) await post('stk', stored[0]!.body);
      await kit.settle();
      expect(await items()).toEqual(before);
      expect((await kit.payment(request.payment_id)).state).toBe(state);
      const copies = await db.query<{ outcome: string }>(`SELECT outcome FROM mpesa_callbacks WHERE business_id = $1 AND route = 'stk' AND body = $2 ORDER BY received_at`, [kit.business.business_id, stored[0]!.body]);
      // The original (credited or confirming) and three duplicates, whatever order the ids sort in.
      expect(copies.map((row) => row.outcome).filter((outcome) => outcome === 'duplicate')).toHaveLength(3);
      expect(copies).toHaveLength(4);
    });
  });
}
