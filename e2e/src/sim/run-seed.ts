/**
 * One seed of the simulation: a business with 3–5 tills on the real server, a fault phase
 * (random shop actions, sync steps, offline windows, lost / duplicated / late requests and
 * answers, server restarts, till restarts, one till's disk dying and restored from an old
 * backup), then a quiet phase where sync must converge, then the checks. Everything random
 * comes from the seed, and every step is awaited in turn, so a seed replays exactly.
 */
import { rawDb } from '@payme/till/ledger/raw-db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock, SeededRandom } from '@payme/shared';
import type { Db } from '@payme/sync-server/db';
import { checkConvergence } from './sim-checks.js';
import { SimNetwork, default_network_faults, type NetworkFaults } from './sim-network.js';
import { SimServer } from './sim-server.js';
import { SimTill, type AgentSabotage } from './sim-till.js';
import { shopAction, type Oracle } from './sim-workload.js';

export interface SeedOptions {
  steps?: number;
  /**
   * `offline_tail` (default): the restored till was cut off from the backup until its disk died,
   * so the server holds nothing the backup lacks. `diverged`: it kept syncing after the backup,
   * so the server holds events the restored file lacks and the till must recover (DESIGN §5).
   */
  restore?: 'offline_tail' | 'diverged';
  sabotage?: AgentSabotage;
  faults?: NetworkFaults;
}

export interface SeedResult {
  seed: number;
  ok: boolean;
  failures: string[];
  events: number;
  stats: Record<string, number>;
}

/** Quiet-phase rounds (each: every till pushes and pulls until idle) before giving up. */
const quiesce_rounds_max = 40;
const steps_per_round_max = 40;

async function quiesce(tills: readonly SimTill[]): Promise<boolean> {
  for (let round = 0; round < quiesce_rounds_max; round += 1) {
    let moved = false;
    for (const till of tills) {
      for (let step = 0; step < steps_per_round_max; step += 1) {
        const outcome = await till.agent.pushStep();
        if (outcome.kind === 'idle' || outcome.kind === 'blocked') break;
        moved = true;
      }
    }
    for (const till of tills) {
      for (let step = 0; step < steps_per_round_max; step += 1) {
        const outcome = await till.agent.pullStep(0);
        if (outcome.kind === 'idle' || outcome.kind === 'blocked') break;
        moved = true;
      }
    }
    if (!moved) return true;
  }
  return false;
}

export async function runSeed(db: Db, seed: number, options: SeedOptions = {}): Promise<SeedResult> {
  const random = new SeededRandom(seed);
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 5, 0, 0));
  const server = new SimServer(db, clock, random.fork());
  await server.start();
  const network = new SimNetwork(random.fork(), () => server.app, options.faults ?? default_network_faults);
  network.faultsOn = false;
  const dir = mkdtempSync(path.join(tmpdir(), `payme-sim-${seed}-`));
  const tills: SimTill[] = [];
  const oracle: Oracle = { sales: new Map(), refused: 0, commands: 0 };
  const stats: Record<string, number> = { server_restarts: 0, till_restarts: 0, offline_toggles: 0, lost_with_disk: 0, forced_restores: 0 };
  const timer = { at: performance.now() };
  const lap = (name: string) => {
    const now = performance.now();
    stats[`${name}_ms`] = Math.round(now - timer.at);
    timer.at = now;
  };
  try {
    const business = await server.createBusiness(`${seed}-${random.int(0, 1e9)}`);
    const tillCount = random.int(3, 5);
    for (let index = 0; index < tillCount; index += 1) {
      const till = new SimTill(index, path.join(dir, `till-${index}.db`), clock, random.fork(), network, options.sabotage);
      await till.enroll(await server.enrollmentCode(business), business.cashier_id);
      tills.push(till);
    }

    // Opening stock, received on the first till and synced everywhere before the faults start.
    tills[0]!.ledger.receiveStock(business.manager_id, {
      command_id: tills[0]!.id(),
      receipt_id: tills[0]!.id(),
      lines: business.products.map((product) => ({ product_id: product.id, quantity: product.unit === 'piece' ? 200 : 100_000 })),
    });
    if (!(await quiesce(tills))) throw new Error('setup did not sync');
    lap('setup');
    network.faultsOn = true;
    const steps = options.steps ?? random.int(150, 250);
    const diverged = options.restore === 'diverged';
    const restored = random.int(0, tillCount - 1);
    const backupAt = random.int(5, Math.floor(steps / 3));
    const restoreAt = random.int(Math.floor(steps / 2), Math.floor((steps * 4) / 5));
    for (let step = 0; step < steps; step += 1) {
      clock.advance(random.int(50, 3_000));
      const till = tills[random.int(0, tillCount - 1)]!;
      if (step === backupAt) {
        tills[restored]!.backup(dir);
        // offline_tail: from here the till is cut off until its disk dies; what it sells meanwhile dies too.
        if (!diverged) network.offline.add(restored);
      }
      if (step === restoreAt) {
        const onServer = await serverSaleIds(db, business.business_id, tills[restored]!.till_id);
        const forced = random.int(0, 1) === 1;
        stats['forced_restores']! += forced ? 1 : 0;
        tills[restored]!.restoreBackup(forced);
        stats['lost_with_disk']! += forgetLostSales(tills[restored]!, oracle, onServer);
        network.offline.delete(restored);
      }
      const roll = random.int(0, 99);
      if (roll < 45) {
        if (till.canSell()) shopAction(till, business, random, oracle);
      }
      else if (roll < 62) await till.agent.pushStep();
      else if (roll < 77) await till.agent.pullStep(0);
      else if (roll < 82) await network.deliverLate();
      else if (roll < 88) {
        if (till.index === restored && tills[restored]!.hasBackup && !diverged) continue;
        stats['offline_toggles']! += 1;
        if (network.offline.has(till.index)) network.offline.delete(till.index);
        else network.offline.add(till.index);
      } else if (roll < 91) {
        stats['server_restarts']! += 1;
        await server.restart();
      } else if (roll < 94) {
        stats['till_restarts']! += 1;
        till.restart();
      } else clock.advance(random.int(10_000, 120_000));
    }

    lap('faults');
    network.faultsOn = false;
    network.offline.clear();
    while (await network.deliverLate()) {
      // stale copies still in flight arrive before the network settles
    }
    const quiet = await quiesce(tills);
    lap('quiesce');
    const failures = quiet ? [] : ['sync did not quiesce'];
    failures.push(...(await checkConvergence(db, business, tills, oracle, server.signingKey)));
    lap('checks');
    const events = tills.reduce((sum, till) => sum + till.ledger.chainHead().seq, 0);
    return { seed, ok: failures.length === 0, failures, events, stats: { ...stats, ...network.counts, tills: tillCount, sales: oracle.sales.size, refused: oracle.refused } };
  } finally {
    for (const till of tills) till.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function serverSaleIds(db: Db, business_id: string, till_id: string): Promise<Set<string>> {
  const rows = await db.query<{ sale_id: string }>('SELECT sale_id::text AS sale_id FROM sales WHERE business_id = $1 AND till_id = $2', [business_id, till_id]);
  return new Set(rows.map((row) => row.sale_id));
}

/** After a restore, sales only the dead disk held are gone: neither in the backup nor on the server. */
function forgetLostSales(till: SimTill, oracle: Oracle, onServer: ReadonlySet<string>): number {
  let lost = 0;
  const present = rawDb(till.ledger).prepare('SELECT 1 FROM sales WHERE sale_id = ?');
  for (const sale of [...oracle.sales.values()]) {
    if (sale.till === till.index && present.get(sale.sale_id) === undefined && !onServer.has(sale.sale_id)) {
      oracle.sales.delete(sale.sale_id);
      lost += 1;
    }
  }
  return lost;
}
