import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { buildTestApp, createTestBusiness, deviceAuth, openMigrated, testDatabases, type TestApp, type TestBusiness } from '../../test/support/index.js';
import { TillEvents, pushBody } from '../../test/ingest-event-builder.js';

// The parser does not touch the database: PGlite alone is enough.
const target = testDatabases()[0]!;

describe('push body parser', () => {
  let db: Db;
  let t: TestApp;
  let business: TestBusiness;
  beforeAll(async () => {
    db = await openMigrated(target);
    t = await buildTestApp(db);
    business = await createTestBusiness(t.deps);
  });
  afterAll(async () => {
    await t.app.close();
    await db.close();
  });
  const send = (payload: string) =>
    t.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { ...deviceAuth(business), 'content-type': 'application/json' }, payload });

  it('parses a plain body quickly and applies it', async () => {
    const till = new TillEvents(business.till.id, business.cashier.id, 5, business.till.receipt_prefix);
    const res = await send(JSON.stringify(pushBody(business.till.id, [till.sale([[business.products[0]!, 1]])])));
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].status).toBe('applied');
  });

  it('still refuses prototype poisoning, spelled out or escaped, and malformed or empty bodies', async () => {
    const poisoned = [
      `{"till_id":"${business.till.id}","epoch":1,"events":[],"__proto__":{"x":1}}`,
      `{"till_id":"${business.till.id}","epoch":1,"events":[],"constructor":{"prototype":{"x":1}}}`,
      `{"till_id":"${business.till.id}","epoch":1,"events":[],"\\u005f_proto__":{"x":1}}`,
      `{"till_id":"${business.till.id}","epoch":1,"events":[],"\\u0063onstructor":{"prototype":{"x":1}}}`,
    ];
    for (const body of poisoned) {
      const res = await send(body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'invalid_json', field: 'body' });
    }
    expect((await send('{"till_id":')).json()).toMatchObject({ code: 'invalid_json' });
    expect((await send('')).statusCode).toBe(400);
  });

  it('parses escaped text through the guarded parser', async () => {
    const res = await send(`{"till_id":"${business.till.id}","epoch":1,"events":[],"note":"caf\\u00e9"}`);
    // Parsed (so the schema answers): an unknown field, not a parse error.
    expect(res.statusCode).toBe(400);
    expect(res.json().code).not.toBe('invalid_json');
  });
});
