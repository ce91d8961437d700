/**
 * One migrated database per `describe` block, and a fresh M-Pesa kit per test on it. The STK,
 * C2B, reversal, owner-queue and edge suites used to repeat these hooks each; a fix to the
 * set-up (or the tear-down) now lands in all of them. Modelled on `useServerSuite`
 * (test/support/server-suite.ts).
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Db } from '../../db/db.js';
import { openMigrated, type TestDatabase } from '../../../test/support/index.js';
import { startMpesaKit, type KitOptions, type MpesaKit } from './mpesa-test-kit.js';

export interface MpesaKitSuite {
  /** The block's migrated database, shared by every test in it. */
  readonly db: Db;
  /** A kit (server, simulator, business with a Daraja account) on `db`, closed after the test. */
  start(options?: KitOptions): Promise<MpesaKit>;
}

/**
 * Registers the `beforeAll` that opens and migrates `target`, the `afterEach` that closes the
 * kits the test started, and the `afterAll` that closes the database. Call it first inside the
 * `describe`. `db` is read lazily: reading it before the hook ran throws instead of handing out
 * `undefined`.
 */
export function useMpesaKit(target: TestDatabase): MpesaKitSuite {
  let db: Db | undefined;
  // Every kit the running test started: each listens on two ports, so none may outlive its test.
  let started: MpesaKit[] = [];
  beforeAll(async () => {
    db = await openMigrated(target);
  });
  afterEach(async () => {
    const kits = started.reverse();
    started = [];
    for (const kit of kits) await kit.close();
  });
  afterAll(async () => {
    await db?.close();
  });
  const ready = (): Db => {
    if (!db) throw new Error(`M-Pesa kit suite (${target.name}) read before its beforeAll ran`);
    return db;
  };
  return {
    get db(): Db {
      return ready();
    },
    async start(options: KitOptions = {}) {
      const kit = await startMpesaKit(ready(), options);
      started.push(kit);
      return kit;
    },
  };
}
