import { afterEach, describe, expect, it } from 'vitest';
import { createSyncKit, pushUntilIdle, type SyncKit } from './test-doubles/sync-test-kit.js';
import { takeBatch } from './push-step.js';
import { ledgerForSync } from './sync-ledger.js';
import { SyncAgent } from './sync-agent.js';
import { SeededRandom } from '@payme/shared';

let kit: SyncKit;

afterEach(() => kit?.cleanup());

function pushedSeqs(): number[][] {
  return kit.transport.calls.filter((call) => call.route === 'push').map((call) => (call.body as { events: { seq: number }[] }).events.map((event) => event.seq));
}

describe('push', () => {
  it('sends every unacknowledged event once, in seq order, in batches of at most push_batch_events, and empties the outbox', async () => {
    kit = createSyncKit({ config: { push_batch_events: 3 } });
    kit.sell(7); // + the fixture's shift_opened = 8 events
    expect(kit.agent.status().unsynced_count).toBe(8);
    const kinds = await pushUntilIdle(kit.agent);
    expect(kinds).toEqual(['progress', 'progress', 'progress', 'idle']);
    expect(pushedSeqs()).toEqual([[1, 2, 3], [4, 5, 6], [7, 8]]);
    expect(kit.server.till(kit.till.ledger.identity()!.till_id).events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const status = kit.agent.status();
    expect(status.unsynced_count).toBe(0);
    expect(status.online).toBe(true);
    expect(status.last_push_at).toBe(new Date(kit.clock.now()).toISOString());
    expect(status.alarm).toBeNull();
  });

  it("reports the till's outbox depth and version with each push and pull; a version the server would refuse is left out", async () => {
    kit = createSyncKit({ config: { push_batch_events: 2 }, agent: { appVersion: '1.4.2' } });
    kit.sell(2); // + shift_opened = 3 events
    await pushUntilIdle(kit.agent);
    const pushes = kit.transport.calls.filter((call) => call.route === 'push').map((call) => call.body as { outbox_depth?: number; app_version?: string });
    expect(pushes.map((body) => [body.outbox_depth, body.app_version])).toEqual([[3, '1.4.2'], [1, '1.4.2']]);
    const seenHealth: unknown[] = [];
    const inner = kit.transport.pull.bind(kit.transport);
    kit.transport.pull = (after, wait, health) => {
      seenHealth.push(health);
      return inner(after, wait, health);
    };
    await kit.agent.pullStep(0);
    expect(seenHealth).toEqual([{ outbox_depth: 0, app_version: '1.4.2' }]);

    kit.cleanup();
    kit = createSyncKit({ agent: { appVersion: 'dev build' } });
    kit.sell(1);
    await pushUntilIdle(kit.agent);
    const body = kit.transport.calls.find((call) => call.route === 'push')?.body as Record<string, unknown>;
    expect(body).toMatchObject({ outbox_depth: 2 });
    expect(body).not.toHaveProperty('app_version');
  });

  it('an empty outbox sends nothing', async () => {
    kit = createSyncKit();
    await pushUntilIdle(kit.agent);
    const before = kit.transport.calls.length;
    expect(await kit.agent.pushStep()).toEqual({ kind: 'idle' });
    expect(kit.transport.calls.length).toBe(before);
  });

  it('offline: backs off with growing, jittered, capped delays, acknowledges nothing, and shows offline', async () => {
    kit = createSyncKit({ config: { backoff_base_ms: 1_000, backoff_cap_ms: 8_000 } });
    kit.sell(2);
    kit.transport.offline = true;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      const outcome = await kit.agent.pushStep();
      if (outcome.kind !== 'retry') throw new Error(`expected retry, got ${outcome.kind}`);
      delays.push(outcome.delay_ms);
    }
    const nominal = [1_000, 2_000, 4_000, 8_000, 8_000, 8_000];
    delays.forEach((delay, index) => {
      expect(delay).toBeGreaterThanOrEqual(nominal[index]! / 2);
      expect(delay).toBeLessThanOrEqual(nominal[index]!);
    });
    expect(kit.agent.status()).toMatchObject({ online: false, unsynced_count: 3, last_push_at: null });
    kit.transport.offline = false;
    expect(await pushUntilIdle(kit.agent)).toEqual(['progress', 'idle']);
    expect(kit.agent.status()).toMatchObject({ online: true, unsynced_count: 0 });
  });

  it('a dropped request and a dropped answer are retried; the server keeps each event exactly once', async () => {
    kit = createSyncKit();
    kit.sell(3);
    kit.transport.faults.push.push('drop_request', 'drop_response');
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect(kit.server.ackedSeq(kit.till.ledger.identity()!.till_id)).toBe(0);
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    // The server applied the batch but the till never heard: nothing acknowledged locally.
    expect(kit.server.ackedSeq(kit.till.ledger.identity()!.till_id)).toBe(4);
    expect(kit.agent.status().unsynced_count).toBe(4);
    await pushUntilIdle(kit.agent);
    expect(kit.agent.status().unsynced_count).toBe(0);
    expect(kit.server.ackedSeq(kit.till.ledger.identity()!.till_id)).toBe(4);
  });

  it('5xx backs off; 429 waits exactly the Retry-After the server asked for', async () => {
    kit = createSyncKit({ config: { backoff_base_ms: 100 } });
    kit.sell(1);
    kit.transport.faults.push.push(
      { answer: { status: 500, body: { code: 'internal', message: 'boom' }, headers: {} } },
      { answer: { status: 429, body: { code: 'rate_limited', message: 'slow down' }, headers: { 'retry-after': '7' } } },
      { answer: { status: 503, body: { code: 'busy', message: 'busy', retry_after_seconds: 2 }, headers: {} } },
    );
    const first = await kit.agent.pushStep();
    expect(first.kind).toBe('retry');
    expect(first.kind === 'retry' && first.delay_ms).toBeLessThanOrEqual(100);
    expect(await kit.agent.pushStep()).toEqual({ kind: 'retry', delay_ms: 7_000 });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'retry', delay_ms: 2_000 });
    expect(await pushUntilIdle(kit.agent)).toEqual(['progress', 'idle']);
  });

  it('a slow server halves the batch down to the minimum; quick answers to full batches grow it back', async () => {
    kit = createSyncKit({ config: { push_batch_events: 40, push_batch_events_min: 5, push_answer_target_ms: 1_000 } });
    kit.sell(119); // + shift_opened = 120 events
    const inner = kit.transport.push.bind(kit.transport);
    let answerMs = 1_500;
    kit.transport.push = async (body) => {
      kit.clock.advance(answerMs);
      return inner(body);
    };
    for (let i = 0; i < 4; i += 1) expect(await kit.agent.pushStep()).toEqual({ kind: 'progress' });
    answerMs = 100;
    await pushUntilIdle(kit.agent);
    // 40 slow → 20 slow → 10 slow → 5 slow; then quick and full: 5 → 10 → 20 → 40 → 40.
    expect(pushedSeqs().map((seqs) => seqs.length)).toEqual([40, 20, 10, 5, 5, 10, 20, 10]);
    expect(kit.server.ackedSeq(kit.till.ledger.identity()!.till_id)).toBe(120);
  });

  it('a 429 waits its Retry-After and the next push carries half the batch; nothing is stored twice', async () => {
    kit = createSyncKit({ config: { push_batch_events: 8, push_batch_events_min: 2, backoff_base_ms: 100 } });
    kit.sell(15); // + shift_opened = 16 events
    kit.transport.faults.push.push(
      { answer: { status: 429, body: { code: 'push_busy', message: 'busy', retry_after_seconds: 3 }, headers: { 'retry-after': '3' } } },
      { answer: { status: 429, body: { code: 'push_busy', message: 'busy' }, headers: { 'retry-after': '5' } } },
    );
    expect(await kit.agent.pushStep()).toEqual({ kind: 'retry', delay_ms: 3_000 });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'retry', delay_ms: 5_000 });
    expect(await pushUntilIdle(kit.agent)).toContain('idle');
    // 8 refused, 4 refused, then 2 (answered at once and full, so it grows back: 4, 8).
    expect(pushedSeqs().map((seqs) => seqs.length)).toEqual([8, 4, 2, 4, 8, 2]);
    expect(kit.server.till(kit.till.ledger.identity()!.till_id).events.map((event) => event.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('a quarantined event is kept, counted and listed; the till moves on past it', async () => {
    kit = createSyncKit();
    kit.sell(2);
    kit.server.quarantine = (raw) => (raw['seq'] === 2 ? 'payload.lines.0.quantity: too big' : null);
    await pushUntilIdle(kit.agent);
    expect(kit.agent.status()).toMatchObject({ unsynced_count: 0, quarantined_count: 1 });
    expect(kit.agent.detail().quarantined).toEqual([
      { seq: 2, event_id: kit.server.till(kit.till.ledger.identity()!.till_id).events[1]!.event_id, reason: 'payload.lines.0.quantity: too big' },
    ]);
    // Kept: the event is still in the till's journal.
    expect(kit.port.eventsFrom(2, 1)[0]!.seq).toBe(2);
    // The mark is in the ledger: a restarted till (new agent, reopened database) still shows it.
    const reopened = kit.till.reopen();
    const restarted = new SyncAgent({ ledger: ledgerForSync(reopened), transport: kit.transport, clock: kit.clock, random: new SeededRandom(8), scheduler: kit.scheduler });
    expect(restarted.status().quarantined_count).toBe(1);
    expect(restarted.detail().quarantined.map((mark) => mark.seq)).toEqual([2]);
  });

  it('a push answer quarantining a seq the till never sent is not recorded as an acknowledgement', async () => {
    kit = createSyncKit();
    kit.sell(1);
    const head = kit.till.ledger.chainHead();
    const before = kit.till.ledger.ackedSeq();
    const results = [{ seq: head.seq + 5, event_id: kit.till.id(), status: 'quarantined', reason: 'x' }];
    kit.transport.faults.push.push({ answer: { status: 200, body: { acked_seq: head.seq, head_hash: head.hash, results }, headers: {} } });
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect(kit.agent.status()).toMatchObject({ quarantined_count: 0, alarm: { code: 'server_answer_invalid' } });
    expect(kit.till.ledger.ackedSeq()).toBe(before);
  });

  it('409 seq_gap: resends from the expected seq, even below what the till believed acknowledged', async () => {
    kit = createSyncKit();
    kit.sell(4);
    await pushUntilIdle(kit.agent);
    // The server lost its last three events (say, restored from a backup).
    const record = kit.server.till(kit.till.ledger.identity()!.till_id);
    record.events.splice(2);
    kit.sell(1);
    expect(await kit.agent.pushStep()).toEqual({ kind: 'progress' });
    expect(await pushUntilIdle(kit.agent)).toEqual(['progress', 'idle']);
    expect(pushedSeqs().at(-2)).toEqual([6]);
    expect(pushedSeqs().at(-1)).toEqual([3, 4, 5, 6]);
    expect(record.events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(kit.agent.status().alarm).toBeNull();
  });

  it('409 seq_gap past the till\'s own head means the server holds more of it: a clone re-enrolls', async () => {
    kit = createSyncKit();
    kit.sell(1);
    kit.transport.faults.push.push({ answer: { status: 409, body: { code: 'seq_gap', message: 'gap', expected_seq: 10 }, headers: {} } });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'diverged' });
    expect(kit.agent.detail().mode).toBe('needs_enrollment');
    expect(kit.agent.status().alarm?.code).toBe('enrollment_needed');
  });

  it('409 chain_conflict on a ledger nobody restored: the clone stops pushing, asks for an enrollment code, and selling still works', async () => {
    kit = createSyncKit();
    kit.sell(1);
    kit.transport.faults.push.push({ answer: { status: 409, body: { code: 'chain_conflict', message: 'seq 2 differs', seq: 2 }, headers: {} } });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'diverged' });
    expect(kit.agent.status().alarm?.code).toBe('enrollment_needed');
    expect(kit.agent.status().alarm?.message).toContain('seq 2 differs');
    expect(kit.agent.detail()).toMatchObject({ mode: 'needs_enrollment', alarm: { details: { common_seq: 1 } } });
    // It never recovers (that would fence the PC that pushed first) and pushes nothing more.
    const pushes = pushedSeqs().length;
    expect(await kit.agent.pushStep()).toEqual({ kind: 'blocked' });
    expect(await kit.agent.pullStep()).toEqual({ kind: 'blocked' });
    expect(pushedSeqs().length).toBe(pushes);
    expect(kit.transport.calls.some((call) => call.route === 'recover')).toBe(false);
    expect(kit.agent.status().alarm?.code).toBe('enrollment_needed');
    kit.sell(2);
    expect(kit.agent.status().unsynced_count).toBe(4);
  });

  it('409 chain_conflict on a ledger marked restored: the agent stops pushing and recovers', async () => {
    let restored = false;
    kit = createSyncKit({ port: (base) => ({ ...base, restoreState: () => ({ restored_at: restored ? '2026-11-26T05:00:00.000Z' : null }) }) });
    kit.sell(1);
    kit.transport.faults.push.push({ answer: { status: 409, body: { code: 'chain_conflict', message: 'seq 2 differs', seq: 2 }, headers: {} } });
    const realPush = kit.transport.push.bind(kit.transport);
    kit.transport.push = async (body) => {
      restored = true; // marked while the push was in flight
      return realPush(body);
    };
    expect(await kit.agent.pushStep()).toEqual({ kind: 'diverged' });
    expect(kit.agent.status().alarm).toEqual({ code: 'chain_conflict', message: 'seq 2 differs' });
    expect(kit.agent.detail().mode).toBe('recovering');
    // The next step asks the server for its copy instead of pushing again.
    const pushes = pushedSeqs().length;
    await kit.agent.pushStep();
    expect(kit.transport.calls.at(-1)?.route).toBe('recover');
    expect(pushedSeqs().length).toBe(pushes);
  });

  it('409 till_fenced: asks for an enrollment code', async () => {
    kit = createSyncKit({ port: (base) => ({ ...base, moveToNewTill: () => ({ reappended: 0 }) }) });
    kit.sell(1);
    kit.server.till(kit.till.ledger.identity()!.till_id).epoch = 2;
    expect(await kit.agent.pushStep()).toEqual({ kind: 'diverged' });
    expect(kit.agent.status().alarm?.code).toBe('till_fenced');
    expect(await kit.agent.pushStep()).toEqual({ kind: 'blocked' });
    expect(kit.agent.status().alarm?.code).toBe('enrollment_needed');
  });

  it('a success that does not cover the batch, an unreadable success, 401 and 400 are alarms, not acknowledgements', async () => {
    kit = createSyncKit();
    kit.sell(1);
    const genesis = '0'.repeat(64);
    kit.transport.faults.push.push(
      { answer: { status: 200, body: { acked_seq: 1, head_hash: genesis, results: [] }, headers: {} } },
      { answer: { status: 200, body: 'not json', headers: {} } },
      { answer: { status: 401, body: { code: 'invalid_token', message: 'no' }, headers: {} } },
      { answer: { status: 400, body: { code: 'invalid_input', message: 'events.0: bad' }, headers: {} } },
      { answer: { status: 409, body: { code: 'something_new', message: '?' }, headers: {} } },
    );
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect(kit.agent.status().alarm?.code).toBe('server_answer_invalid');
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect(kit.agent.status().alarm?.code).toBe('unauthorized');
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect(kit.agent.status().alarm).toEqual({ code: 'push_refused', message: 'The sync server refused a push (400 invalid_input: events.0: bad)' });
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect(kit.agent.status().unsynced_count).toBe(2);
    expect(await pushUntilIdle(kit.agent)).toEqual(['progress', 'idle']);
    expect(kit.agent.status().alarm).toBeNull();
  });

  it('an acknowledgement of a seq this till never wrote is a diverged history', async () => {
    kit = createSyncKit();
    kit.sell(1);
    kit.transport.faults.push.push({ answer: { status: 200, body: { acked_seq: 9, head_hash: 'a'.repeat(64), results: [] }, headers: {} } });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'diverged' });
    expect(kit.agent.detail().mode).toBe('needs_enrollment');
  });
});

describe('takeBatch', () => {
  it('stops at the event limit and at the byte limit, but always takes one event', () => {
    const events = Array.from({ length: 10 }, (_, index) => ({ seq: index + 1, pad: 'x'.repeat(100) }));
    expect(takeBatch(events, 4, 1_000_000)).toHaveLength(4);
    const size = JSON.stringify(events[0]).length + 1;
    expect(takeBatch(events, 10, 200 + size * 3)).toHaveLength(3);
    expect(takeBatch(events, 10, 10)).toHaveLength(1);
  });
});
