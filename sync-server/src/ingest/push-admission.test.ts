/**
 * The push admission scheduler on its own (no database, no HTTP): which waiting push is let in
 * next, and when one is refused. Time is a ManualClock and every step is awaited, so the order
 * is decided by the rules alone, never by how fast the machine is.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@payme/shared';
import { HttpError } from '../http/errors.js';
import { PushAdmission, default_push_admission, type PushAdmissionLimits, type PushTicket } from './push-admission.js';

const one_slot: PushAdmissionLimits = { ...default_push_admission, in_flight_max: 1, bulk_in_flight_max: 1 };

/** Lets the scheduler's grant loop run to its next wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

function harness(limits: PushAdmissionLimits = one_slot) {
  const clock = new ManualClock(0);
  const admission = new PushAdmission(limits, clock);
  const granted: string[] = [];
  const tickets = new Map<string, PushTicket>();
  const ask = (name: string, business_id: string, till_id: string, events: number) =>
    admission.admit({ business_id, till_id, events }).then((ticket) => {
      granted.push(name);
      tickets.set(name, ticket);
    });
  const finish = async (name: string, ms = 100) => {
    clock.advance(ms);
    tickets.get(name)?.release();
    await settle();
  };
  return { clock, admission, granted, ask, finish };
}

describe('push admission', () => {
  it('a live sale waiting behind a backlog goes first once the running push ends', async () => {
    const h = harness();
    void h.ask('backlog-1', 'b1', 't1', 200);
    await settle();
    void h.ask('backlog-2', 'b1', 't2', 200);
    void h.ask('backlog-3', 'b2', 't3', 200);
    void h.ask('live', 'b3', 't4', 1);
    await settle();
    expect(h.granted).toEqual(['backlog-1']);
    await h.finish('backlog-1');
    expect(h.granted).toEqual(['backlog-1', 'live']);
  });

  it('a business with many tills catching up takes turns with a business with one', async () => {
    const h = harness();
    void h.ask('big-0', 'big', 't0', 200);
    await settle();
    for (let i = 1; i <= 3; i += 1) void h.ask(`big-${i}`, 'big', `t${i}`, 200);
    void h.ask('small-shop', 'shop', 's1', 200);
    await settle();
    await h.finish('big-0');
    // big was just served, so the other business goes next, then big's tills in turn.
    expect(h.granted).toEqual(['big-0', 'small-shop']);
    await h.finish('small-shop');
    await h.finish('big-1');
    await h.finish('big-2');
    expect(h.granted).toEqual(['big-0', 'small-shop', 'big-1', 'big-2', 'big-3']);
  });

  it('within a business, the till served longest ago goes first', async () => {
    const h = harness();
    void h.ask('a-1', 'b', 'a', 200);
    await settle();
    void h.ask('b-1', 'b', 'b', 200);
    await settle();
    await h.finish('a-1');
    void h.ask('a-2', 'b', 'a', 200);
    void h.ask('c-1', 'b', 'c', 200);
    await settle();
    await h.finish('b-1');
    // c was never served, a was served before b: c, then a.
    expect(h.granted).toEqual(['a-1', 'b-1', 'c-1']);
    await h.finish('c-1');
    expect(h.granted).toEqual(['a-1', 'b-1', 'c-1', 'a-2']);
  });

  it('a till runs one push at a time, and bulk pushes leave a slot for live ones', async () => {
    const h = harness({ ...default_push_admission, in_flight_max: 3, bulk_in_flight_max: 2 });
    void h.ask('t1-a', 'b', 't1', 200);
    void h.ask('t1-b', 'b', 't1', 200);
    void h.ask('t2', 'b', 't2', 200);
    void h.ask('t3', 'b', 't3', 200);
    await settle();
    // t1's second push waits for its first; t3 waits because bulk pushes hold 2 of 3 slots.
    expect(h.granted).toEqual(['t1-a', 't2']);
    void h.ask('live', 'c', 'x', 3);
    await settle();
    expect(h.granted).toEqual(['t1-a', 't2', 'live']);
    await h.finish('t1-a');
    expect(h.granted).toEqual(['t1-a', 't2', 'live', 't3']);
    expect(h.admission.depth).toEqual({ waiting: 1, in_flight: 3 });
  });

  it('a full queue answers 429 push_busy with a Retry-After from the pushes ahead and their service time', async () => {
    const h = harness({ ...one_slot, queue_max: 4, bulk_queue_max: 2 });
    void h.ask('running', 'b', 't0', 200);
    await settle();
    await h.finish('running', 2_000);
    void h.ask('running-2', 'b', 't0', 200);
    await settle();
    void h.ask('w1', 'b', 't1', 200);
    void h.ask('w2', 'b', 't2', 200);
    await settle();
    const refused = (await h.admission.admit({ business_id: 'b', till_id: 't3', events: 200 }).catch((error: unknown) => error)) as HttpError;
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ statusCode: 429, code: 'push_busy' });
    // Mean service time 100 + 0.2 × (2000 − 100) = 480 ms; 2 waiting + 1 running + this one: 1.92 s.
    expect(refused.details).toEqual({ retry_after_seconds: 2 });
    // A small push still has room (queue_max 4): it waits instead.
    void h.ask('live', 'c', 'x', 1);
    await settle();
    expect(h.admission.depth).toEqual({ waiting: 3, in_flight: 1 });
    // Past four waiting, a push of any kind is refused too.
    void h.ask('live-2', 'd', 'y', 1);
    await settle();
    await expect(h.admission.admit({ business_id: 'e', till_id: 'z', events: 1 })).rejects.toMatchObject({ statusCode: 429, code: 'push_busy' });
  });

  it('a till with pushes already waiting is refused its next, with Retry-After between 1 s and the cap', async () => {
    const h = harness({ ...one_slot, till_queue_max: 1, retry_after_s_max: 5 });
    void h.ask('running', 'b', 't0', 200);
    await settle();
    await h.finish('running', 60_000);
    void h.ask('running-2', 'b', 't0', 200);
    await settle();
    void h.ask('waiting', 'b', 't1', 200);
    await settle();
    await expect(h.admission.admit({ business_id: 'b', till_id: 't1', events: 200 })).rejects.toMatchObject({ statusCode: 429, details: { retry_after_seconds: 5 } });
  });

  it("copies of one batch (a till's retries) wait as one, each answered in turn; another batch of that till is still refused", async () => {
    const h = harness({ ...one_slot, till_queue_max: 1, queue_max: 8 });
    const copy = (name: string) =>
      h.admission.admit({ business_id: 'b', till_id: 't', events: 5, batch: '5:first:last' }).then((ticket) => {
        h.granted.push(name);
        ticket.release();
      });
    const copies = Array.from({ length: 6 }, (_, i) => copy(`copy-${i}`));
    await expect(h.admission.admit({ business_id: 'b', till_id: 't', events: 5, batch: '5:other:last' })).rejects.toMatchObject({ statusCode: 429, code: 'push_busy' });
    await expect(h.admission.admit({ business_id: 'b', till_id: 't', events: 5 })).rejects.toMatchObject({ statusCode: 429 });
    await Promise.all(copies);
    expect(h.granted).toEqual(['copy-0', 'copy-1', 'copy-2', 'copy-3', 'copy-4', 'copy-5']);
    // The bound on the whole queue still holds for copies.
    const many = Array.from({ length: 9 }, () => h.admission.admit({ business_id: 'b', till_id: 't', events: 5, batch: '5:x:y' }).then((ticket) => ticket.release()));
    const outcomes = await Promise.allSettled(many);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
  });

  it('waits for M-Pesa acknowledgements before letting a push in', async () => {
    const h = harness();
    let acknowledged!: () => void;
    h.admission.beforeGrant = () => new Promise<void>((resolve) => (acknowledged = resolve));
    void h.ask('push', 'b', 't', 1);
    await settle();
    expect(h.granted).toEqual([]);
    acknowledged();
    await settle();
    expect(h.granted).toEqual(['push']);
  });

  it('a ticket released twice gives back one slot', async () => {
    const h = harness();
    void h.ask('a', 'b', 't1', 1);
    await settle();
    void h.ask('b', 'b', 't2', 1);
    void h.ask('c', 'b', 't3', 1);
    await settle();
    await h.finish('a');
    await h.finish('a');
    expect(h.granted).toEqual(['a', 'b']);
    expect(h.admission.depth).toEqual({ waiting: 1, in_flight: 1 });
  });
});
