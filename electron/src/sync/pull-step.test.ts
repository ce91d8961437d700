import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointMessage } from '@payme/shared';
import { rawDb } from '../ledger/raw-db.js';
import { ids } from '../../test/ledger-fixture.js';
import { createSyncKit, pushUntilIdle, type SyncKit } from './test-doubles/sync-test-kit.js';

let kit: SyncKit;
afterEach(() => kit?.cleanup());

function soapPrice(): number {
  return kit.till.ledger.searchProducts({ query: 'Geisha' }).products[0]!.unit_price;
}

describe('pull', () => {
  it('applies a feed page with its cursor and the acked seq of the same answer, then asks after that cursor', async () => {
    kit = createSyncKit();
    kit.sell(2);
    await pushUntilIdle(kit.agent);
    kit.server.addChange('price', ids.soap, { price_cents: 12_000 });
    kit.server.addChange('stock_level', ids.sugar, { on_hand: 49_980 });
    expect(await kit.agent.pullStep()).toEqual({ kind: 'progress' });
    expect(soapPrice()).toBe(12_000);
    // Own sales are in the server level now (acked seq 3 came with it): counted once, not twice.
    expect(kit.till.ledger.stockOnHand({ product_ids: [ids.sugar] }).levels[0]!.on_hand).toBe(49_980);
    expect(kit.port.feedCursor()).toBe('32');
    expect(kit.agent.status().last_pull_at).toBe(new Date(kit.clock.now()).toISOString());
    expect(await kit.agent.pullStep()).toEqual({ kind: 'idle' });
    expect(kit.transport.calls.filter((call) => call.route === 'pull').map((call) => call.body)).toEqual(['30', '32']);
    expect(kit.till.ledger.verifyLedger()).toEqual([]);
  });

  it('offline and 5xx back off; Retry-After is honoured', async () => {
    kit = createSyncKit({ config: { backoff_base_ms: 100 } });
    kit.transport.faults.pull.push('drop_request', { answer: { status: 503, body: { code: 'feed_busy', message: 'busy' }, headers: { 'retry-after': '1' } } });
    const first = await kit.agent.pullStep();
    expect(first.kind).toBe('retry');
    expect(kit.agent.status().online).toBe(false);
    expect(await kit.agent.pullStep()).toEqual({ kind: 'retry', delay_ms: 1_000 });
    expect(kit.agent.status().online).toBe(true);
  });

  it('a change the ledger refuses stops the feed at its cursor with a visible alarm', async () => {
    kit = createSyncKit();
    kit.server.addChange('price', ids.soap, { price_cents: -5 });
    expect((await kit.agent.pullStep()).kind).toBe('retry');
    expect(kit.agent.status().alarm?.code).toBe('feed_refused');
    expect(kit.port.feedCursor()).toBe('30');
    expect(soapPrice()).toBe(9_950);
  });

  it('an unreadable page, 401 and 400 are alarms', async () => {
    kit = createSyncKit();
    kit.transport.faults.pull.push(
      { answer: { status: 200, body: { changes: 'no' }, headers: {} } },
      { answer: { status: 401, body: { code: 'invalid_token', message: 'no' }, headers: {} } },
      { answer: { status: 400, body: { code: 'invalid_input', message: 'after' }, headers: {} } },
    );
    expect((await kit.agent.pullStep()).kind).toBe('retry');
    expect(kit.agent.status().alarm?.code).toBe('server_answer_invalid');
    expect((await kit.agent.pullStep()).kind).toBe('retry');
    expect(kit.agent.status().alarm?.code).toBe('unauthorized');
    expect((await kit.agent.pullStep()).kind).toBe('retry');
    expect(kit.agent.status().alarm?.code).toBe('feed_refused');
    expect((await kit.agent.pullStep()).kind).toBe('idle');
    expect(kit.agent.status().alarm).toBeNull();
  });

  it('an acked seq beyond the till\'s own journal: a ledger nobody restored is a clone and must re-enroll', async () => {
    kit = createSyncKit();
    kit.transport.faults.pull.push({ answer: { status: 200, body: { changes: [], cursor: '31', acked_seq: 40 }, headers: {} } });
    expect(await kit.agent.pullStep()).toEqual({ kind: 'diverged' });
    expect(kit.agent.detail().mode).toBe('needs_enrollment');
    expect(kit.agent.status().alarm?.code).toBe('enrollment_needed');
    expect(kit.transport.calls.some((call) => call.route === 'recover')).toBe(false);
  });

  it('an acked seq beyond the journal of a ledger marked restored starts recovery', async () => {
    let restored = false;
    kit = createSyncKit({ port: (base) => ({ ...base, restoreState: () => ({ restored_at: restored ? '2026-11-26T05:00:00.000Z' : null }) }) });
    kit.transport.faults.pull.push({ answer: { status: 200, body: { changes: [], cursor: '31', acked_seq: 40 }, headers: {} } });
    // Marked while the page is in flight (the agent checks the mark before every step too).
    const realPull = kit.transport.pull.bind(kit.transport);
    kit.transport.pull = async (after, wait) => {
      restored = true;
      return realPull(after, wait);
    };
    expect(await kit.agent.pullStep()).toEqual({ kind: 'diverged' });
    expect(kit.agent.detail().mode).toBe('recovering');
    expect(kit.agent.status().alarm?.code).toBe('chain_conflict');
  });
});

describe("the server's signed audit checkpoints (DESIGN §5 Pull)", () => {
  const secret = ed25519.utils.randomSecretKey();
  const other = ed25519.utils.randomSecretKey();
  function signed(seq: number, hash: string, key = secret) {
    return { business_id: ids.business, seq, hash, signature: bytesToHex(ed25519.sign(checkpointMessage({ business_id: ids.business, seq, hash }), key)), key_id: 'k1' };
  }
  function page(cursor: string, checkpoint: unknown) {
    return { answer: { status: 200, body: { changes: [], cursor, acked_seq: 0, checkpoint }, headers: {} } };
  }
  function held(): { seq: number; hash: string }[] {
    return rawDb(kit.till.ledger).prepare('SELECT seq, hash FROM server_checkpoints ORDER BY seq').all() as { seq: number; hash: string }[];
  }
  function enrollKey(): void {
    const identity = kit.till.ledger.identity()!;
    kit.till.ledger.setIdentity({ ...identity, server_public_key: bytesToHex(ed25519.getPublicKey(secret)) });
  }

  it('keeps each checkpoint signed by the enrollment key, once', async () => {
    kit = createSyncKit();
    enrollKey();
    kit.transport.faults.pull.push(page('31', signed(5, 'a'.repeat(64))), page('32', signed(5, 'a'.repeat(64))), page('33', signed(9, 'b'.repeat(64))));
    for (let step = 0; step < 3; step += 1) expect((await kit.agent.pullStep()).kind).toBe('progress');
    expect(held()).toEqual([{ seq: 5, hash: 'a'.repeat(64) }, { seq: 9, hash: 'b'.repeat(64) }]);
    expect(kit.agent.status().alarm).toBeNull();
  });

  it('one signed by another key, or for another business, is never kept and is an alarm; the feed still applies', async () => {
    kit = createSyncKit();
    enrollKey();
    kit.transport.faults.pull.push(page('31', signed(5, 'a'.repeat(64), other)), page('32', { ...signed(6, 'a'.repeat(64)), business_id: ids.till }));
    expect((await kit.agent.pullStep()).kind).toBe('progress');
    expect(kit.agent.status().alarm?.code).toBe('checkpoint_invalid');
    expect((await kit.agent.pullStep()).kind).toBe('progress');
    expect(kit.port.feedCursor()).toBe('32');
    expect(held()).toEqual([]);
  });

  it('another hash for a seq the till holds, or a head behind one it holds, says the history changed', async () => {
    kit = createSyncKit();
    enrollKey();
    kit.transport.faults.pull.push(page('31', signed(9, 'a'.repeat(64))), page('32', signed(9, 'c'.repeat(64))));
    await kit.agent.pullStep();
    await kit.agent.pullStep();
    expect(kit.agent.status().alarm).toMatchObject({ code: 'server_history_changed', message: expect.stringContaining('audit entry 9') });
    kit.cleanup();
    kit = createSyncKit();
    enrollKey();
    kit.transport.faults.pull.push(page('31', signed(9, 'a'.repeat(64))), page('32', signed(4, 'd'.repeat(64))));
    await kit.agent.pullStep();
    await kit.agent.pullStep();
    expect(kit.agent.status().alarm).toMatchObject({ code: 'server_history_changed', message: expect.stringContaining('ends at 4, before the checkpoint at 9') });
    // What the till holds is not overwritten by either.
    expect(held()).toEqual([{ seq: 9, hash: 'a'.repeat(64) }]);
  });
});
