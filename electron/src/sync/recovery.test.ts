import { afterEach, describe, expect, it } from 'vitest';
import { PaymeError, chainRecords, genesis_hash } from '@payme/shared';
import { ids } from '../../test/ledger-fixture.js';
import { createSyncKit, pushUntilIdle, type SyncKit } from './test-doubles/sync-test-kit.js';
import type { AdoptRecoveredHistoryInput, MoveToNewTillInput, SyncLedger } from './sync-ledger.js';

let kit: SyncKit;
afterEach(() => kit?.cleanup());

function envelope(seq: number) {
  return {
    event_id: `01930000-0000-7000-8000-00000000000${seq}`,
    till_id: ids.till,
    seq,
    type: 'stock_received',
    v: 1,
    occurred_at: '2026-11-26T06:00:00.000Z',
    actor_id: ids.cashier,
    payload: {},
    prev_hash: genesis_hash,
    hash: genesis_hash,
  };
}

/** Records what the agent asks of the ledger's recovery primitives (their surgery is the ledger's). */
function recordingPort(adopted: AdoptRecoveredHistoryInput[], moved: MoveToNewTillInput[]) {
  return (base: SyncLedger): SyncLedger => ({
    ...base,
    adoptRecoveredHistory: (input) => {
      adopted.push(input);
      return { reappended: base.unsyncedCount() };
    },
    moveToNewTill: (input) => {
      moved.push(input);
      return { reappended: base.unsyncedCount() };
    },
  });
}

describe('recovery (till side)', () => {
  it('a restored ledger: fetches what the server holds past the common seq, hands exactly the foreign events to the ledger under the new epoch', async () => {
    const adopted: AdoptRecoveredHistoryInput[] = [];
    kit = createSyncKit({ port: recordingPort(adopted, []) });
    kit.sell(3);
    await pushUntilIdle(kit.agent); // server and till share seqs 1..4
    // The server's seqs 5..6 came from this till's lost future (it was restored from a backup).
    const server = kit.server.till(ids.till);
    const envelopes = chainRecords([5, 6].map((seq) => ({ ...envelope(seq), payload: { receipt_no: `T1-00000${seq + 4}` } })), server.events[3]!.hash);
    const foreign = envelopes.map((env) => ({ seq: env.seq, event_id: env.event_id, hash: env.hash, status: 'applied' as const, envelope: env as Record<string, unknown> }));
    server.events.push(...foreign);
    kit.sell(1); // local seq 5 differs from the server's
    kit.till.ledger.markRestored({ forced_offline: false });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'progress' });
    expect(adopted).toHaveLength(1);
    expect(adopted[0]).toEqual({
      epoch: 2,
      common_seq: 4,
      head: { seq: 6, hash: foreign[1]!.hash },
      server_events: foreign.map((event) => event.envelope),
      receipt_counter: 10,
    });
    expect(kit.agent.status().alarm).toBeNull();
    expect(kit.agent.detail()).toMatchObject({ mode: 'syncing', recoveries: 1 });
    // It asked from its acked seq, the last seq it knows it shares.
    expect(kit.transport.calls.find((call) => call.route === 'recover')?.body).toEqual({ till_id: ids.till, epoch: 1, last_common_seq: 4 });
  });

  it('a history the ledger refuses to adopt is an alarm, and the agent asks again later', async () => {
    let refuse = true;
    kit = createSyncKit({
      port: (base) => ({
        ...base,
        adoptRecoveredHistory: () => {
          if (refuse) throw new PaymeError('chain_conflict', 'receipt T1-000005 was issued twice');
          return { reappended: 0 };
        },
      }),
    });
    kit.sell(1);
    kit.till.ledger.markRestored({ forced_offline: false });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'blocked' });
    expect(kit.agent.status().alarm).toEqual({ code: 'recovery_failed', message: "This till could not adopt the server's copy of its history: receipt T1-000005 was issued twice" });
    expect(kit.agent.detail().mode).toBe('recovering');
    refuse = false;
    expect(await kit.agent.pushStep()).toEqual({ kind: 'progress' });
    expect(kit.agent.status().alarm).toBeNull();
  });

  it('network trouble during recovery retries; a fenced answer asks for enrollment', async () => {
    const adopted: AdoptRecoveredHistoryInput[] = [];
    kit = createSyncKit({ port: recordingPort(adopted, []) });
    kit.sell(1);
    kit.till.ledger.markRestored({ forced_offline: false });
    kit.transport.faults.recover.push(
      'drop_request',
      { answer: { status: 500, body: {}, headers: {} } },
      { answer: { status: 200, body: { nonsense: true }, headers: {} } },
      { answer: { status: 409, body: { code: 'till_fenced', message: 'f', epoch: 3 }, headers: {} } },
    );
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect(kit.agent.status().alarm?.code).toBe('server_answer_invalid');
    expect(await kit.agent.pushStep()).toEqual({ kind: 'diverged' });
    expect(kit.agent.detail().mode).toBe('needs_enrollment');
    expect(adopted).toHaveLength(0);
  });

  it('follows has_more pages and keeps the newest epoch', async () => {
    const adopted: AdoptRecoveredHistoryInput[] = [];
    kit = createSyncKit({ port: recordingPort(adopted, []) });
    kit.sell(1);
    kit.till.ledger.markRestored({ forced_offline: false });
    const event = envelope;
    const page = (epoch: number, seq: number, more: boolean) => ({
      answer: { status: 200, body: { epoch, common_seq: seq - 1, head: { seq: 2, hash: genesis_hash }, events: [event(seq)], has_more: more, receipt_counter: 0 }, headers: {} },
    });
    kit.transport.faults.recover.push(page(2, 1, true), page(3, 2, false));
    expect(await kit.agent.pushStep()).toEqual({ kind: 'progress' });
    expect(adopted[0]!.epoch).toBe(3);
    expect(adopted[0]!.server_events.map((e) => e['seq'])).toEqual([1, 2]);
    expect(kit.transport.calls.filter((call) => call.route === 'recover').map((call) => (call.body as { last_common_seq: number }).last_common_seq)).toEqual([0, 1]);
  });

  it('a fenced clone re-enrolls with an owner code, stores its new token, and moves its events to the new till', async () => {
    const moved: MoveToNewTillInput[] = [];
    const tokens: string[] = [];
    const codes: (string | null)[] = [null, 'WRONG-CODE', 'GOOD-CODE'];
    kit = createSyncKit({
      port: recordingPort([], moved),
      agent: { enrollmentCode: () => codes.shift() ?? null, tillName: 'Back counter', onReenrolled: (enrollment) => void tokens.push(enrollment.device_token) },
    });
    kit.server.enrollmentCodes.add('GOOD-CODE');
    kit.sell(1);
    kit.server.till(ids.till).fenced = true;
    expect(await kit.agent.pushStep()).toEqual({ kind: 'diverged' });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'blocked' });
    expect(kit.agent.status().alarm?.code).toBe('enrollment_needed');
    expect(await kit.agent.pushStep()).toEqual({ kind: 'blocked' });
    expect(kit.agent.status().alarm?.code).toBe('enrollment_refused');
    expect(await kit.agent.pushStep()).toEqual({ kind: 'progress' });
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ epoch: 1, receipt_prefix: 'T2' });
    expect(tokens).toEqual([`token-${moved[0]!.till_id}`]);
    expect(kit.transport.calls.find((call) => call.route === 'enroll')?.body).toEqual({ code: 'WRONG-CODE', name: 'Back counter' });
    expect(kit.agent.status().alarm).toBeNull();
    expect(kit.agent.detail().mode).toBe('syncing');
  });

  it('re-enrollment survives a lost answer and a busy server', async () => {
    const moved: MoveToNewTillInput[] = [];
    kit = createSyncKit({ port: recordingPort([], moved), agent: { enrollmentCode: () => 'GOOD-CODE' } });
    kit.server.enrollmentCodes.add('GOOD-CODE');
    kit.sell(1);
    kit.server.till(ids.till).fenced = true;
    await kit.agent.pushStep();
    kit.transport.faults.enroll.push('drop_request', { answer: { status: 503, body: {}, headers: { 'retry-after': '3' } } });
    expect((await kit.agent.pushStep()).kind).toBe('retry');
    expect(await kit.agent.pushStep()).toEqual({ kind: 'retry', delay_ms: 3_000 });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'progress' });
    expect(moved).toHaveLength(1);
  });
});
