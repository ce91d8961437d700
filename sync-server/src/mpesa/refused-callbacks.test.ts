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
import { processStoredCallbacks } from './callback-processor.js';
import { requeueEarlyCallbacks } from './stk-request.js';
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
      // A byte-equal copy of a body that is not UTF-8, or holds a NUL byte, changes nothing (the NUL
      // one's copy failed its byte-equal check with 22021 and added an item each time).
      for (const [route, body] of [bodies[4]!, bodies[0]!]) {
        const before = await items();
        await post(route, body);
        await kit.settle();
        expect(await items()).toEqual(before);
        const rows = await db.query<{ outcome: string; reason: string | null }>('SELECT outcome, reason FROM mpesa_callbacks WHERE business_id = $1 AND body_bytes = $2::bytea ORDER BY outcome', [kit.business.business_id, body]);
        expect(rows.map((row) => row.outcome)).toEqual(['duplicate', 'quarantined']);
        expect(rows.map((row) => row.reason ?? '').filter((reason) => reason.startsWith('processing_error'))).toEqual([]);
      }
    });

    /** A payment whose real outcome is `real` (what STK Query answers) and whose callback never comes. */
    const silentPayment = async (real: number, phone: string) => {
      kit.sim.context.faults.add([{ times: 1, fault: { callback: 'lost', result_code: real } }]);
      const request = await kit.requestStk({ phone, amount: 100 });
      await kit.settle();
      const record = kit.sim.context.stk.get((await db.query<{ checkout_request_id: string }>('SELECT checkout_request_id FROM payments WHERE payment_id = $1', [request.payment_id]))[0]!.checkout_request_id)!;
      const success = (over: { amount?: number; phone?: number; merchant?: string; receipt?: string } = {}) =>
        JSON.stringify({
          Body: {
            stkCallback: {
              MerchantRequestID: over.merchant ?? record.merchant_request_id,
              CheckoutRequestID: record.checkout_request_id,
              ResultCode: 0,
              ResultDesc: 'The service request is processed successfully.',
              CallbackMetadata: { Item: [{ Name: 'Amount', Value: over.amount ?? record.amount }, { Name: 'MpesaReceiptNumber', Value: over.receipt ?? record.receipt ?? 'RFS1032000' }, { Name: 'PhoneNumber', Value: over.phone ?? Number(record.phone) }] },
            },
          },
        });
      const failure = JSON.stringify({ Body: { stkCallback: { MerchantRequestID: record.merchant_request_id, CheckoutRequestID: record.checkout_request_id, ResultCode: real, ResultDesc: 'Request cancelled by user' } } });
      return { payment_id: request.payment_id, success, failure };
    };
    /** Posts one body; answers the owner's new items and the callback's stored reason. */
    const refusal = async (body: string) => {
      const before = await items();
      await post('stk', body);
      await kit.settle();
      const row = (await db.query<{ callback_id: string; reason: string | null }>(
        'SELECT callback_id::text AS callback_id, reason FROM mpesa_callbacks WHERE business_id = $1 AND body = $2 ORDER BY received_at LIMIT 1',
        [kit.business.business_id, body],
      ))[0]!;
      return { reason: row.reason, added: (await newItems(before)).map((item) => ({ kind: item.kind, amount_cents: item.amount_cents, reason: item.details['reason'], callback_id: item.details['callback_id'] })), callback_id: row.callback_id };
    };

    it('STK callbacks refused for a wrong amount, phone or MerchantRequestID, and successes after a 1032, are each shown to the owner', async () => {
      const paid = await silentPayment(0, '254708374201');
      for (const [body, reason] of [
        [paid.success({ amount: 2 }), 'amount_mismatch'],
        [paid.success({ phone: 254700000001 }), 'phone_mismatch'],
        [paid.success({ merchant: '00000-00000000-9' }), 'merchant_request_mismatch'],
      ] as const) {
        const seen = await refusal(body);
        expect(seen.reason).toBe(reason);
        expect(seen.added).toEqual([{ kind: 'quarantined_callback', amount_cents: null, reason, callback_id: seen.callback_id }]);
      }
      expect((await kit.payment(paid.payment_id)).state).toBe('requested');

      // A 1032 the callback told, or the deadline's STK Query found, then a success for it.
      const successAfterCancel = async (phone: string, cancel: (payment: Awaited<ReturnType<typeof silentPayment>>) => Promise<void>, reason: string) => {
        const payment = await silentPayment(1032, phone);
        await cancel(payment);
        await kit.settle();
        expect((await kit.payment(payment.payment_id)).state).toBe('cancelled');
        const seen = await refusal(payment.success());
        expect(seen.reason).toBe(reason);
        expect(seen.added).toEqual([{ kind: 'quarantined_callback', amount_cents: null, reason, callback_id: seen.callback_id }]);
      };
      await successAfterCancel('254708374202', (payment) => post('stk', payment.failure), 'conflicts_with_earlier_callback');
      await successAfterCancel('254708374203', async () => kit.clock.advance(120_001), 'success_after_final_state');

      // A success before the deadline that STK Query then refutes (it said 1032): found false
      // only by the query, it is shown too (before, it was marked quarantined and shown nowhere).
      const refuted = await silentPayment(1032, '254708374204');
      const spoofed = await refusal(refuted.success());
      expect(spoofed.reason).toBe('query_disagrees');
      expect(spoofed.added).toEqual([{ kind: 'quarantined_callback', amount_cents: null, reason: 'query_disagrees', callback_id: spoofed.callback_id }]);
      expect((await kit.payment(refuted.payment_id)).state).toBe('cancelled');
    });

    it('a callback that beat its STK request is put back when the request is recorded, and its owner item goes with it', async () => {
      const early = await silentPayment(1032, '254708374206');
      const checkout = (await db.query<{ checkout_request_id: string }>('SELECT checkout_request_id FROM payments WHERE payment_id = $1', [early.payment_id]))[0]!.checkout_request_id;
      // As if the cancel arrived before the request's commit recorded its CheckoutRequestID.
      await db.query('UPDATE payments SET checkout_request_id = NULL WHERE payment_id = $1', [early.payment_id]);
      const beaten = await refusal(early.failure);
      expect(beaten.reason).toBe('unknown_request');
      expect(beaten.added).toEqual([{ kind: 'quarantined_callback', amount_cents: null, reason: 'unknown_request', callback_id: beaten.callback_id }]);
      const before = await items();
      await db.transaction(async (tx) => {
        await tx.query('UPDATE payments SET checkout_request_id = $2 WHERE payment_id = $1', [early.payment_id, checkout]);
        await requeueEarlyCallbacks(tx, kit.business.business_id, checkout);
      });
      await kit.settle();
      expect((await kit.payment(early.payment_id)).state).toBe('cancelled');
      // Processed as the cancel it is, it is nothing for the owner any more.
      expect((await items()).filter((item) => item.details['callback_id'] === beaten.callback_id)).toEqual([]);
      expect(await newItems(before)).toEqual([]);
    });

    // Two processors at once need two connections: PostgreSQL only (PGlite has one connection,
    // so its transactions never overlap and the race cannot happen there).
    if (target.name === 'postgres') {
      it('byte-equal copies processed at the same moment by two drains make one owner item, not two', async () => {
        const paid = await silentPayment(0, '254708374205');
        const checkout = (await db.query<{ checkout_request_id: string }>('SELECT checkout_request_id FROM payments WHERE payment_id = $1', [paid.payment_id]))[0]!.checkout_request_id;
        const body = paid.success({ amount: 3 });
        const before = await items();
        // Hold the payment's lock, so both copies get as far as it before either commits.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let holding!: () => void;
        const held = new Promise<void>((resolve) => (holding = resolve));
        const holder = db.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payme-stk:${checkout}`]);
          holding();
          await released;
        });
        await held;
        await post('stk', body); // the server's own drain takes this copy and waits
        await post('stk', body);
        const second = processStoredCallbacks(kit.mpesa, 1); // a second drain takes the other one
        const waiting = async () =>
          (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`))[0]?.n ?? 0;
        for (let tries = 0; (await waiting()) < 2; tries += 1) {
          if (tries > 2_000) throw new Error('the two copies never both waited');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        release();
        await holder;
        await second;
        await kit.settle();
        const outcomes = await db.query<{ outcome: string }>('SELECT outcome FROM mpesa_callbacks WHERE business_id = $1 AND body = $2 ORDER BY outcome', [kit.business.business_id, body]);
        expect(outcomes.map((row) => row.outcome)).toEqual(['duplicate', 'quarantined']);
        expect((await newItems(before)).map((item) => item.details['reason'])).toEqual(['amount_mismatch']);
      });
    } else {
      console.warn('[refused-callbacks] two drains processing copies at once: PostgreSQL only (PGlite is one connection, its transactions never overlap).');
    }

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
