/**
 * One server per `describe` block: a migrated database of one target, the real app on it, and
 * the till-side helpers that the ingest and feed suites all need. Every integration suite used
 * to repeat these twenty lines; a fix to the set-up (or the tear-down) now lands everywhere.
 */
import { afterAll, beforeAll } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ManualClock, SeededRandom } from '@payme/shared';
import type { Db } from '../../src/db/db.js';
import type { ServerDeps } from '../../src/deps.js';
import { TillEvents, pushBody, type Envelope } from '../ingest-event-builder.js';
import { buildTestApp, createTestBusiness, deviceAuth, openMigrated, type TestApp, type TestBusiness, type TestDatabase } from './index.js';

export interface ServerSuite extends TestApp {
  readonly db: Db;
  /** A fresh business, and an event builder for its enrolled till (a seed of its own). */
  newBusinessWithTill(): Promise<{ business: TestBusiness; till: TillEvents }>;
  /** `POST /v1/sync/push` as the business's till; the response as it came, for the test to judge. */
  push(business: TestBusiness, events: Envelope[], epoch?: number): Promise<LightMyRequestResponse>;
}

/**
 * Registers the `beforeAll` that opens and migrates `target` and builds the app, and the
 * `afterAll` that closes both. Call it first inside the `describe`, so that the block's own
 * `beforeAll` hooks (which run in the order they are declared) find the app ready. The fields
 * are read lazily: reading one before the hook ran throws instead of handing out `undefined`.
 */
export function useServerSuite(target: TestDatabase, options: Parameters<typeof buildTestApp>[1] = {}): ServerSuite {
  let db: Db | undefined;
  let built: TestApp | undefined;
  beforeAll(async () => {
    db = await openMigrated(target);
    built = await buildTestApp(db, options);
  });
  afterAll(async () => {
    await built?.app.close();
    await db?.close();
  });
  const ready = (): { db: Db; built: TestApp } => {
    if (!db || !built) throw new Error(`server suite (${target.name}) read before its beforeAll ran`);
    return { db, built };
  };
  return {
    get db(): Db {
      return ready().db;
    },
    get app(): FastifyInstance {
      return ready().built.app;
    },
    get deps(): ServerDeps {
      return ready().built.deps;
    },
    get clock(): ManualClock {
      return ready().built.clock;
    },
    get random(): SeededRandom {
      return ready().built.random;
    },
    async newBusinessWithTill() {
      const { built: t } = ready();
      const business = await createTestBusiness(t.deps);
      return { business, till: new TillEvents(business.till.id, business.cashier.id, t.random.int(1, 1e9), business.till.receipt_prefix) };
    },
    push(business, events, epoch = 1) {
      return ready().built.app.inject({ method: 'POST', url: '/v1/sync/push', headers: deviceAuth(business), payload: pushBody(business.till.id, events, epoch) });
    },
  };
}
