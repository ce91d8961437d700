/** Runs a range of seeds on one migrated PGlite (a fresh business per seed) and sums them up. */
import type { Db } from '@payme/sync-server/db';
import { openSimDatabase } from './sim-server.js';
import { runSeed, type SeedOptions, type SeedResult } from './run-seed.js';

export interface SimSummary {
  seeds: number;
  failures: number;
  failing_seeds: number[];
  events: number;
  duration_s: number;
}

export async function runSeeds(
  range: { seeds: number; start: number } & SeedOptions,
  onResult: (result: SeedResult) => void = () => undefined,
  /** A migrated database to use (and leave open); one is opened and closed otherwise. */
  given?: Db,
): Promise<SimSummary> {
  const started = performance.now();
  const db = given ?? (await openSimDatabase());
  const failing: number[] = [];
  let events = 0;
  try {
    for (let seed = range.start; seed < range.start + range.seeds; seed += 1) {
      let result: SeedResult;
      try {
        result = await runSeed(db, seed, range);
      } catch (error) {
        // A crash is a failure of this seed, reported like any other.
        result = { seed, ok: false, failures: [`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`], events: 0, stats: {} };
      }
      events += result.events;
      if (!result.ok) failing.push(seed);
      onResult(result);
    }
  } finally {
    if (given === undefined) await db.close();
  }
  return { seeds: range.seeds, failures: failing.length, failing_seeds: failing, events, duration_s: Math.round((performance.now() - started) / 100) / 10 };
}
