/**
 * Issue 12, "idempotent by key, whatever came before": a property over random interleavings of
 * STK callbacks, their byte-equal copies (with the first, a few steps later, or after everything
 * settled), STK Query answers (the stk_confirm query a success starts, and the deadline's) for a
 * set of payments. Each run plays one schedule twice, on two sets of payments in one business:
 * once with one copy of each body, once with the extra copies. The payments' final states and
 * the owner's M-Pesa queue must be the same (DESIGN §7: a duplicate changes nothing), and every
 * refused callback must be in the queue.
 *
 * The simulator keeps each payment's real outcome (what STK Query answers) and sends no callback
 * of its own; the test writes the bodies Daraja (or a forger) would send.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { openMigrated, testDatabases } from '../../test/support/index.js';
import { fuzzSeed } from '../../test/support/fuzz-size.js';
import { stkCallbackBody } from './simulator/sim-callbacks.js';
import { startMpesaKit, type MpesaKit } from './testing/mpesa-test-kit.js';

/** What a body claims: the genuine answer, or one of the lies a refusal must catch. */
const body_kinds = ['success', 'failure', 'wrong_amount', 'wrong_phone', 'wrong_merchant', 'other_receipt'] as const;
type BodyKind = (typeof body_kinds)[number];
const deadline_ms = 120_001;
/** About 0.4 s each on PGlite (two sets of payments, a step processed before the next). */
const runs_per_database = 16;

interface Story {
  /** The payment's real outcome: what the simulator's STK Query answers. */
  real: 0 | 1032 | 1037;
  /** Bodies in the order of their first copies; `at` orders them among all the stories'. */
  bodies: Array<{ kind: BodyKind; at: number; copies: number[] }>;
}

/** A copy `d` steps after the first one: 0 = sent at once with it, past the end = a late copy. */
const story: fc.Arbitrary<Story> = fc.record({
  real: fc.constantFrom(0 as const, 0 as const, 1032 as const, 1037 as const),
  bodies: fc.uniqueArray(fc.record({ kind: fc.constantFrom(...body_kinds), at: fc.nat(12), copies: fc.array(fc.nat(8), { maxLength: 3 }) }), {
    selector: (body) => body.kind,
    maxLength: 3,
  }),
});

interface Schedule {
  stories: Story[];
  /** Where the deadline passes (the clock moves on and the deadline's queries run). */
  deadline_at: number;
}

const schedule: fc.Arbitrary<Schedule> = fc.record({ stories: fc.array(story, { minLength: 1, maxLength: 3 }), deadline_at: fc.nat(12) });

type Step = { kind: 'send'; story: number; body: number } | { kind: 'deadline' };

function stepsOf(plan: Schedule): Step[] {
  const sends = plan.stories.flatMap((s, story) => s.bodies.map((b, body) => ({ at: b.at, story, body })));
  sends.sort((a, b) => a.at - b.at || a.story - b.story || a.body - b.body);
  const steps: Step[] = sends.map(({ story, body }) => ({ kind: 'send', story, body }));
  const deadline = sends.findIndex((send) => send.at > plan.deadline_at);
  steps.splice(deadline < 0 ? steps.length : deadline, 0, { kind: 'deadline' });
  return steps;
}

/**
 * Defect 2 of the issue: a payment decided by the deadline's STK Query, then two byte-equal copies
 * of a success callback (the second added a quarantined_callback item). Paid and cancelled both.
 */
const defect_2: Schedule[] = [
  { stories: [{ real: 0, bodies: [{ kind: 'success', at: 5, copies: [1] }] }], deadline_at: 0 },
  { stories: [{ real: 1032, bodies: [{ kind: 'success', at: 5, copies: [1, 9] }] }], deadline_at: 0 },
  { stories: [{ real: 0, bodies: [{ kind: 'success', at: 5, copies: [0, 0] }, { kind: 'wrong_phone', at: 6, copies: [0, 3] }] }, { real: 1037, bodies: [{ kind: 'failure', at: 1, copies: [2] }, { kind: 'success', at: 7, copies: [0] }] }], deadline_at: 4 },
];

interface World {
  name: 'one' | 'copies';
  payments: Array<{ payment_id: string; checkout: string; amount: number }>;
  /** Body text → what it is, to name the owner's items by story and body kind. */
  labels: Map<string, { story: number; kind: BodyKind | 'other' }>;
  bodies: string[][];
  receipts: Map<string, string>;
}

/** In cents, as the till asks (whole shillings). */
const amount = (story: number) => 100 * (10 + story);
const phone = (story: number) => `25470837${String(4100 + story)}`;

let runNumber = 0;

for (const target of testDatabases()) {
  describe(`STK callback copies, late copies and query answers in any order (${target.name}, issue 12)`, () => {
    let db: Db;
    let kit: MpesaKit;

    beforeAll(async () => {
      db = await openMigrated(target);
      kit = await startMpesaKit(db, { seed: 1212 });
    });
    afterAll(async () => {
      await kit.close();
      await db.close();
    });

    const post = async (body: string) => {
      const response = await kit.app.inject({ method: 'POST', url: `/v1/mpesa/${kit.callback_secret}/stk`, headers: { 'content-type': 'application/json' }, payload: body });
      expect(response.statusCode).toBe(200);
    };

    async function openWorld(name: World['name'], plan: Schedule): Promise<World> {
      const world: World = { name, payments: [], labels: new Map(), bodies: [], receipts: new Map() };
      kit.sim.context.faults.clear();
      for (const [index, s] of plan.stories.entries()) {
        // This payment's real outcome; the simulator sends no callback, the test does.
        kit.sim.context.faults.add([{ times: 1, fault: { callback: 'lost', result_code: s.real } }]);
        const request = await kit.requestStk({ phone: phone(index), amount: amount(index) });
        expect(request.status, JSON.stringify(request.body)).toBe(201);
        const row = (await db.query<{ checkout_request_id: string }>('SELECT checkout_request_id FROM payments WHERE payment_id = $1', [request.payment_id]))[0];
        world.payments.push({ payment_id: request.payment_id, checkout: row?.checkout_request_id as string, amount: amount(index) });
      }
      await kit.settle();
      runNumber += 1;
      for (const [index, s] of plan.stories.entries()) {
        const record = kit.sim.context.stk.get(world.payments[index]!.checkout);
        if (!record || record.status !== 'done') throw new Error('the simulator has not answered the STK request');
        if (record.receipt) world.receipts.set(record.receipt, 'real');
        const forged = (kind: BodyKind) => {
          const receipt = `Q${name === 'one' ? 'A' : 'B'}${runNumber.toString(36).toUpperCase().padStart(6, '0')}${index}${body_kinds.indexOf(kind)}`;
          world.receipts.set(receipt, `forged:${kind}`);
          return receipt;
        };
        const outcome = {
          merchant_request_id: record.merchant_request_id,
          checkout_request_id: record.checkout_request_id,
          result_code: 0,
          result_desc: 'The service request is processed successfully.',
          amount: record.amount,
          receipt: record.receipt ?? forged('success'),
          transaction_date: 20261126093000,
          phone: Number(record.phone),
        };
        const texts = s.bodies.map(({ kind }) => {
          const told =
            kind === 'success' ? outcome
            : kind === 'failure' ? { ...outcome, result_code: s.real === 0 ? 1032 : s.real, result_desc: 'Request cancelled by user' }
            : kind === 'wrong_amount' ? { ...outcome, amount: record.amount + 1 }
            : kind === 'wrong_phone' ? { ...outcome, phone: 254700000001 }
            : kind === 'wrong_merchant' ? { ...outcome, merchant_request_id: `${record.merchant_request_id}9` }
            : { ...outcome, receipt: forged(kind) };
          const text = JSON.stringify(stkCallbackBody(told));
          world.labels.set(text, { story: index, kind });
          return text;
        });
        world.bodies.push(texts);
      }
      return world;
    }

    /** Plays the schedule on both worlds step by step, each step processed before the next. */
    async function play(plan: Schedule, one: World, copies: World): Promise<void> {
      const steps = stepsOf(plan);
      const extra = new Map<number, string[]>();
      const late: string[] = [];
      const sendAt = (step: number, text: string) => {
        if (step >= steps.length) late.push(text);
        else extra.set(step, [...(extra.get(step) ?? []), text]);
      };
      for (const [index, step] of steps.entries()) {
        const batch = extra.get(index) ?? [];
        if (step.kind === 'deadline') {
          kit.clock.advance(deadline_ms);
        } else {
          const body = plan.stories[step.story]!.bodies[step.body]!;
          await post(one.bodies[step.story]![step.body]!);
          const text = copies.bodies[step.story]![step.body]!;
          batch.unshift(text);
          for (const after of body.copies) if (after === 0) batch.push(text);
          for (const after of body.copies) if (after > 0) sendAt(index + after, text);
        }
        await Promise.all(batch.map(post));
        await kit.settle();
      }
      // Whatever is still open is asked after the deadline; then the late copies arrive.
      kit.clock.advance(deadline_ms);
      await kit.settle();
      await Promise.all(late.map(post));
      await kit.settle();
    }

    /** The payments' final states, named by story, receipts by what carried them. */
    async function outcomeOf(world: World) {
      const out = [];
      for (const payment of world.payments) {
        const row = (await db.query<{ state: string; result_code: number | null; mpesa_receipt: string | null; receipt_pending: boolean }>(
          'SELECT state, result_code, mpesa_receipt, receipt_pending FROM payments WHERE payment_id = $1',
          [payment.payment_id],
        ))[0]!;
        const credits = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payment_history WHERE payment_id = $1 AND to_state = 'succeeded' AND from_state <> 'succeeded'`, [payment.payment_id]))[0]?.n;
        const receipt = row.mpesa_receipt === null ? null : (world.receipts.get(row.mpesa_receipt) ?? 'unknown receipt');
        out.push({ state: row.state, result_code: row.result_code, receipt, receipt_pending: row.receipt_pending, credits });
      }
      return out;
    }

    /** The owner's items about this world, each named by story and body kind instead of ids. */
    async function queueOf(world: World, since: string) {
      const items = await db.query<{ kind: string; subject: string; amount_cents: number | null; details: Record<string, unknown> }>(
        'SELECT kind, subject, amount_cents, details FROM mpesa_unmatched WHERE business_id = $1 AND created_at >= $2 ORDER BY created_at, item_id',
        [kit.business.business_id, since],
      );
      const callbacks = await db.query<{ callback_id: string; body: string }>(`SELECT callback_id::text AS callback_id, body FROM mpesa_callbacks WHERE business_id = $1 AND route = 'stk'`, [kit.business.business_id]);
      const bodyOf = new Map(callbacks.map((row) => [row.callback_id, row.body]));
      const named: string[] = [];
      for (const item of items) {
        const callbackId = typeof item.details['callback_id'] === 'string' ? item.details['callback_id'] : item.subject;
        const label = world.labels.get(bodyOf.get(callbackId) ?? '');
        const story = label?.story ?? world.payments.findIndex((p) => p.payment_id === item.subject || p.checkout === item.subject);
        if (story < 0) continue;
        named.push(`${item.kind} story ${story} ${label?.kind ?? '-'} ${String(item.details['reason'] ?? '')} ${String(item.amount_cents)}`);
      }
      return named.sort();
    }

    /** Every refused STK callback of the world (a first copy, not a duplicate) is an owner's item. */
    async function refusedNotShown(world: World): Promise<string[]> {
      const ids = world.payments.map((p) => p.checkout);
      const rows = await db.query<{ callback_id: string; reason: string }>(
        `SELECT c.callback_id::text AS callback_id, c.reason FROM mpesa_callbacks c
          WHERE c.business_id = $1 AND c.route = 'stk' AND c.outcome = 'quarantined' AND c.subject = ANY($2::text[])
            AND NOT EXISTS (SELECT 1 FROM mpesa_unmatched u WHERE u.business_id = c.business_id AND u.details->>'callback_id' = c.callback_id::text)`,
        [kit.business.business_id, ids],
      );
      return rows.map((row) => row.reason);
    }

    it('final payment states and the owner queue do not depend on how many copies arrived, or when', async () => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(schedule, async (plan) => {
          runs += 1;
          const since = new Date(kit.clock.now()).toISOString();
          const one = await openWorld('one', plan);
          const copies = await openWorld('copies', plan);
          await play(plan, one, copies);
          const outcome = await outcomeOf(one);
          expect(await outcomeOf(copies)).toEqual(outcome);
          expect(await queueOf(copies, since)).toEqual(await queueOf(one, since));
          // Money M-Pesa says it does not have is never credited; what it has, once at most.
          for (const [index, s] of plan.stories.entries()) {
            expect(outcome[index]!.credits).toBeLessThanOrEqual(s.real === 0 ? 1 : 0);
          }
          expect(await refusedNotShown(one)).toEqual([]);
          expect(await refusedNotShown(copies)).toEqual([]);
        }),
        { numRuns: runs_per_database, seed: fuzzSeed(1212), examples: defect_2.map((plan) => [plan] as [Schedule]) },
      );
      expect(runs).toBeGreaterThanOrEqual(3);
    }, 120_000);
  });
}
