import { afterEach, describe, expect, it } from 'vitest';
import { ids } from '../../test/ledger-fixture.js';
import { SyncAgent } from './sync-agent.js';
import { settle } from './scheduler.js';
import { createSyncKit, type SyncKit } from './test-doubles/sync-test-kit.js';

let kit: SyncKit;
afterEach(async () => {
  await kit?.agent.stop();
  kit?.cleanup();
});

describe('the running agent (loops on simulated time)', () => {
  it('pushes a sale as soon as the host says one was written, and pulls the feed', async () => {
    kit = createSyncKit({ config: { idle_push_interval_ms: 60_000, pull_interval_ms: 1_000 } });
    kit.agent.start();
    kit.agent.start(); // a second start is a no-op
    await settle();
    expect(kit.server.ackedSeq(ids.till)).toBe(1);
    kit.sell(2);
    kit.agent.notifyLocalWrite();
    await settle();
    expect(kit.server.ackedSeq(ids.till)).toBe(3);
    kit.server.addChange('price', ids.soap, { price_cents: 11_000 });
    await kit.scheduler.advance(1_000);
    expect(kit.till.ledger.searchProducts({ query: 'Geisha' }).products[0]!.unit_price).toBe(11_000);
    expect(kit.agent.status()).toMatchObject({ online: true, unsynced_count: 0, alarm: null });
  });

  it('rides out an offline window with backoff and catches up once the network returns', async () => {
    kit = createSyncKit({ config: { idle_push_interval_ms: 5_000, backoff_base_ms: 1_000, backoff_cap_ms: 30_000 } });
    kit.transport.offline = true;
    kit.agent.start();
    kit.sell(3);
    kit.agent.notifyLocalWrite();
    await kit.scheduler.advance(120_000);
    expect(kit.server.ackedSeq(ids.till)).toBe(0);
    const attempts = kit.transport.calls.filter((call) => call.route === 'push').length;
    // Backoff, not a busy loop: 2 minutes at ≥ 0.5 s doubling up to 30 s is well under 20 tries.
    expect(attempts).toBeGreaterThan(3);
    expect(attempts).toBeLessThan(20);
    expect(kit.agent.status().online).toBe(false);
    kit.transport.offline = false;
    await kit.scheduler.advance(30_000);
    expect(kit.server.ackedSeq(ids.till)).toBe(4);
    expect(kit.agent.status()).toMatchObject({ online: true, unsynced_count: 0 });
  });

  it('a step that throws (the database closed under it) raises an alarm and backs off instead of dying', async () => {
    kit = createSyncKit({ config: { idle_push_interval_ms: 1_000 } });
    const broken = new SyncAgent({
      ledger: { ...kit.port, pendingEvents: () => { throw new Error('database is closed'); } },
      transport: kit.transport,
      clock: kit.clock,
      random: { bytes: (n) => new Uint8Array(n), int: (min) => min },
      scheduler: kit.scheduler,
    });
    const outcome = await broken.pushStep();
    expect(outcome.kind).toBe('retry');
    expect(broken.status().alarm).toEqual({ code: 'internal', message: 'Sync stopped on an unexpected error: database is closed' });
  });

  it('stop() ends both loops, including a sleeping one', async () => {
    kit = createSyncKit({ config: { idle_push_interval_ms: 60_000, pull_interval_ms: 60_000 } });
    kit.agent.start();
    await settle();
    await kit.agent.stop();
    await kit.agent.stop();
    const calls = kit.transport.calls.length;
    kit.sell(1);
    kit.agent.notifyLocalWrite();
    await kit.scheduler.advance(120_000);
    expect(kit.transport.calls.length).toBe(calls);
  });

  it('while blocked on a fenced identity the pull loop waits too', async () => {
    kit = createSyncKit({ config: { idle_push_interval_ms: 1_000, pull_interval_ms: 1_000, blocked_retry_ms: 10_000 } });
    kit.server.till(ids.till).fenced = true;
    kit.agent.start();
    await kit.scheduler.advance(5_000);
    // No code handed in: an operator must call moveToNewTill(code).
    expect(kit.agent.status().alarm?.code).toBe('enrollment_needed');
    const pulls = kit.transport.calls.filter((call) => call.route === 'pull').length;
    await kit.scheduler.advance(20_000);
    expect(kit.transport.calls.filter((call) => call.route === 'pull').length).toBe(pulls);
  });

  it('refuses a batch size above the protocol limit', () => {
    kit = createSyncKit();
    expect(() => new SyncAgent({ ledger: kit.port, transport: kit.transport, clock: kit.clock, random: { bytes: (n) => new Uint8Array(n), int: (min) => min }, scheduler: kit.scheduler, config: { push_batch_events: 501 } })).toThrow(RangeError);
    expect(() => new SyncAgent({ ledger: kit.port, transport: kit.transport, clock: kit.clock, random: { bytes: (n) => new Uint8Array(n), int: (min) => min }, scheduler: kit.scheduler, config: { push_body_bytes: 2 ** 21 } })).toThrow(RangeError);
  });
});
