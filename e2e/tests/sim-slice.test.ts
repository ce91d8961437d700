/**
 * A slice of the deterministic sync simulation (issue 5) for `npm test`: 30 seeds of 3–5 tills
 * on the real ledger and the real server (PGlite) under network faults, restarts and a restored
 * backup. The long runs are `npm run sim -- --seeds N [--seed-start S]`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@payme/sync-server/db';
import { runSeeds } from '../src/sim/run-seeds.js';
import { openSimDatabase } from '../src/sim/sim-server.js';
import { runSeed, type SeedResult } from '../src/sim/run-seed.js';
import { ackBeforeServerAnswers } from '../src/sim/broken-agents.js';

const slice_seeds = Number(process.env.SIM_SLICE_SEEDS ?? 30);

let shared: Db;
beforeAll(async () => {
  shared = await openSimDatabase();
});
afterAll(async () => {
  await shared?.close();
});

function comparable(result: SeedResult) {
  return { ...result, stats: Object.fromEntries(Object.entries(result.stats).filter(([name]) => !name.endsWith('_ms'))) };
}

describe('sync simulation', () => {
  it(`${slice_seeds} seeds converge: every sale once with its total, stock and credit agree everywhere, nothing quarantined, chains verify`, async () => {
    const failed: unknown[] = [];
    const summary = await runSeeds({ seeds: slice_seeds, start: 0, steps: 150 }, (result) => {
      if (!result.ok) failed.push({ seed: result.seed, failures: result.failures.slice(0, 5) });
    }, shared);
    console.log(JSON.stringify(summary));
    expect(failed).toEqual([]);
    expect(summary).toMatchObject({ seeds: slice_seeds, failures: 0, failing_seeds: [] });
    // Not a vacuous pass: the seeds really sold and synced.
    expect(summary.events).toBeGreaterThan(slice_seeds * 20);
  }, 900_000);

  it('a seed replays exactly: the same seed on a fresh server gives the same run', async () => {
    const first = await runSeed(shared, 4242, { steps: 80 });
    const fresh = await openSimDatabase();
    try {
      const second = await runSeed(fresh, 4242, { steps: 80 });
      expect(comparable(second)).toEqual(comparable(first));
      expect(first.events).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  }, 300_000);

  it('a till restored from a backup while it kept syncing recovers its diverged history (5 seeds)', async () => {
    for (let seed = 200; seed < 205; seed += 1) {
      const result = await runSeed(shared, seed, { steps: 150, restore: 'diverged' });
      expect({ seed, failures: result.failures }).toEqual({ seed, failures: [] });
    }
  }, 300_000);

  it('catches a broken agent that marks events acknowledged before the server answered', async () => {
    const failures: string[] = [];
    for (let seed = 100; seed < 105 && failures.length === 0; seed += 1) {
      const result = await runSeed(shared, seed, { steps: 150, sabotage: ackBeforeServerAnswers });
      failures.push(...result.failures);
    }
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.some((failure) => /missing on the server|did not quiesce|never synced|journal head/.test(failure))).toBe(true);
  }, 300_000);
});
