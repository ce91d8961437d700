/**
 * TEST SUPPORT — a real till ledger (the ledger's own fixture) wired to the in-memory server
 * double through a transport the test can break: offline, drop the request, drop the answer,
 * or answer with a canned response.
 */
import { ManualClock, SeededRandom } from '@payme/shared';
import { cashSale, createTestTill, ids, type TestTill } from '../../../test/ledger-fixture.js';
import { SyncAgent, type SyncAgentOptions } from '../sync-agent.js';
import { ManualScheduler } from '../scheduler.js';
import { ledgerForSync, type SyncLedger } from '../sync-ledger.js';
import { SyncNetworkError, type SyncTransport, type TransportResponse } from '../transport.js';
import { InMemorySyncServer } from './in-memory-sync-server.js';

export type Fault = 'offline' | 'drop_request' | 'drop_response' | { answer: TransportResponse };

/** Wraps a transport; each call takes the next queued fault for its route, if any. */
export class FaultyTransport implements SyncTransport {
  readonly faults: Record<keyof SyncTransport, Fault[]> = { push: [], pull: [], recover: [], enroll: [] };
  offline = false;
  readonly calls: { route: keyof SyncTransport; body: unknown }[] = [];

  constructor(private readonly inner: SyncTransport) {}

  private async call<K extends keyof SyncTransport>(route: K, body: unknown, send: () => Promise<TransportResponse>): Promise<TransportResponse> {
    this.calls.push({ route, body });
    const fault = this.offline ? 'offline' : this.faults[route].shift();
    if (fault === 'offline' || fault === 'drop_request') throw new SyncNetworkError(`${route}: ${fault}`);
    if (fault === 'drop_response') {
      await send();
      throw new SyncNetworkError(`${route}: answer lost`);
    }
    if (fault !== undefined) return fault.answer;
    return send();
  }

  push(body: Parameters<SyncTransport['push']>[0]) {
    return this.call('push', body, () => this.inner.push(body));
  }
  pull(after: string, wait: number, health?: Parameters<SyncTransport['pull']>[2]) {
    return this.call('pull', after, () => this.inner.pull(after, wait, health));
  }
  recover(body: Parameters<SyncTransport['recover']>[0]) {
    return this.call('recover', body, () => this.inner.recover(body));
  }
  enroll(body: Parameters<SyncTransport['enroll']>[0]) {
    return this.call('enroll', body, () => this.inner.enroll(body));
  }
}

export interface SyncKit {
  till: TestTill;
  server: InMemorySyncServer;
  transport: FaultyTransport;
  scheduler: ManualScheduler;
  clock: ManualClock;
  port: SyncLedger;
  agent: SyncAgent;
  sell(count?: number): void;
  cleanup(): void;
}

export function createSyncKit(options: { config?: SyncAgentOptions['config']; port?: (base: SyncLedger) => SyncLedger; agent?: Partial<SyncAgentOptions> } = {}): SyncKit {
  const till = createTestTill();
  const server = new InMemorySyncServer();
  server.addTill(ids.till);
  server.cursorBase = 30; // the fixture's own setup batch ended at cursor 30
  let tillId = ids.till;
  const transport = new FaultyTransport(server.transportFor(() => tillId));
  const clock = till.clock;
  const scheduler = new ManualScheduler(clock);
  const base = ledgerForSync(till.ledger);
  const port = options.port ? options.port(base) : base;
  const agent = new SyncAgent({
    ledger: port,
    transport,
    clock,
    random: new SeededRandom(7),
    scheduler,
    config: { pull_wait_seconds: 0, ...options.config },
    ...options.agent,
    onReenrolled: async (enrollment) => {
      tillId = enrollment.till_id;
      await options.agent?.onReenrolled?.(enrollment);
    },
  });
  return {
    till,
    server,
    transport,
    scheduler,
    clock,
    port,
    agent,
    sell(count = 1) {
      for (let index = 0; index < count; index += 1) cashSale(till, [{ product_id: ids.sugar, quantity: 10 }]);
    },
    cleanup: () => till.cleanup(),
  };
}

/** Steps the push loop until it reports idle (or `max` steps), returning the outcomes. */
export async function pushUntilIdle(agent: SyncAgent, max = 50): Promise<string[]> {
  const kinds: string[] = [];
  for (let step = 0; step < max; step += 1) {
    const outcome = await agent.pushStep();
    kinds.push(outcome.kind);
    if (outcome.kind === 'idle' || outcome.kind === 'blocked') break;
  }
  return kinds;
}
