/**
 * The cross-hop contract (issue 14, "one set of names"): a real till (ledger and sync agent) and
 * the real server app on PGlite do a day of shop work; every message one hop emits is parsed
 * with the schema the next hop reads it with, and must fit field for field (wire-contract.ts):
 * - the till's push → the server's `pushRequestSchema` and each event's own schema;
 * - the server's push answer → the till's `pushResponseSchema`;
 * - the server's feed page → the till's page schema, each change's data → the ledger's
 *   `feed_records` schema of its kind, after the till's own scoping;
 * - enrollment → `enrollResponseSchema`;
 * - the owner API's answers → the schemas the owner view's API module parses them with, called
 *   through that very module (renderer/src/owner/api).
 * Planted mismatches (a renamed field on each side) show the check fails for the right reason.
 */
import { rawDb } from '@payme/till/ledger/raw-db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom, enrollResponseSchema, eventSchema, feed_records, isFeedRecordKind, pushRequestSchema, pushResponseSchema, saleDetailResponseSchema } from '@payme/shared';
import { feedPageSchema, ledgerChange } from '@payme/till/sync';
import type { Db } from '@payme/sync-server/db';
import { createOwnerHttp, type OwnerHttp } from '@payme/renderer/src/owner/api/owner-http.js';
import { createReportsApi } from '@payme/renderer/src/owner/api/reports-api.js';
import { wireMismatches } from '../src/harness/wire-contract.js';
import { SimNetwork, type SimRequest } from '../src/sim/sim-network.js';
import { SimServer, openSimDatabase, type SimBusiness } from '../src/sim/sim-server.js';
import { SimTill } from '../src/sim/sim-till.js';
import { shopAction, type Oracle } from '../src/sim/sim-workload.js';

interface Exchange {
  request: SimRequest;
  status: number;
  body: unknown;
}

const clock = new ManualClock(Date.UTC(2026, 11, 7, 6, 0, 0));
const random = new SeededRandom(1_407);
let dir: string;
let db: Db;
let server: SimServer;
let business: SimBusiness;
let till: SimTill;
const exchanges: Exchange[] = [];
const owner_answers: { label: string; mismatches: string[] }[] = [];
let sale_detail_raw: unknown = null;

async function syncUntilIdle(): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    const pushed = await till.agent.pushStep();
    const pulled = await till.agent.pullStep(0);
    if ((pushed.kind === 'idle' || pushed.kind === 'blocked') && (pulled.kind === 'idle' || pulled.kind === 'blocked')) return;
  }
  throw new Error('the till did not come to rest in 20 sync rounds');
}

/** The owner view's HTTP module over the in-process app, checking each answer against its schema. */
async function ownerHttp(email: string, password: string): Promise<OwnerHttp> {
  const app = server.app!;
  const signIn = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
  if (signIn.statusCode !== 200) throw new Error(`owner login: ${signIn.statusCode} ${signIn.body}`);
  const setCookie = signIn.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
  const csrf = (signIn.json() as { csrf_token: string }).csrf_token;
  let last: unknown = null;
  const http = createOwnerHttp({
    csrfToken: () => csrf,
    onSignedOut: (code) => {
      throw new Error(`signed out: ${code}`);
    },
    fetch: async (url, init) => {
      const answer = await app.inject({
        method: (init.method ?? 'GET') as 'GET',
        url,
        headers: { ...(init.headers as Record<string, string>), cookie },
        ...(typeof init.body === 'string' ? { payload: init.body } : {}),
      });
      last = answer.body === '' ? null : (JSON.parse(answer.body) as unknown);
      return new Response(answer.statusCode === 204 ? null : answer.body, { status: answer.statusCode, headers: { 'content-type': 'application/json' } });
    },
  });
  return {
    get: async (url, schema, query) => {
      const out = await http.get(url, schema, query);
      owner_answers.push({ label: `GET ${url}`, mismatches: wireMismatches(schema, last) });
      if ((schema as unknown) === saleDetailResponseSchema) sale_detail_raw = last;
      return out;
    },
    send: async (method, url, body, schema, options) => {
      const out = await http.send(method, url, body, schema, options);
      owner_answers.push({ label: `${method} ${url}`, mismatches: wireMismatches(schema, last) });
      return out;
    },
    href: http.href,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'payme-wire-'));
  db = await openSimDatabase();
  server = new SimServer(db, clock, random);
  await server.start();
  business = await server.createBusiness('wire');
  const network = new SimNetwork(random, () => server.app);
  network.faultsOn = false;
  network.observer = (request, response) => exchanges.push({ request: { ...request }, status: response.status, body: response.body });
  till = new SimTill(0, path.join(dir, 'till.db'), clock, random, network);
  await till.enroll(await server.enrollmentCode(business), business.cashier_id);
  // Stock first, then a day of every kind of shop work, synced as it goes.
  const oracle: Oracle = { sales: new Map(), refused: 0, commands: 0 };
  for (const product of business.products) {
    till.ledger.receiveStock(business.manager_id, { command_id: till.id(), receipt_id: till.id(), lines: [{ product_id: product.id, quantity: product.unit === 'piece' ? 200 : 100_000 }] });
  }
  till.ledger.createCustomer(business.manager_id, { command_id: till.id(), customer_id: till.id(), name: 'Wanjiku Kamau', credit_limit: 1_000_000 });
  for (let step = 0; step < 120; step += 1) {
    shopAction(till, business, random, oracle);
    clock.advance(45_000);
    if (step % 20 === 19) await syncUntilIdle();
  }
  await syncUntilIdle();
  if (oracle.sales.size < 10) throw new Error(`the workload made only ${oracle.sales.size} sales`);

  const reports = createReportsApi(await ownerHttp(`owner-wire@sim.test`, 'owner-pass-wire'));
  await reports.summary({});
  await reports.alarms();
  await reports.stores();
  const sales = await reports.sales({});
  for (const sale of sales.sales.slice(0, 10)) await reports.sale(sale.sale_id);
  await reports.stock({});
  await reports.movements(business.products[0]!.id, {});
  const book = await reports.creditBook({});
  for (const row of book.customers) await reports.statement(row.customer_id);
  await reports.mpesa({});
  await reports.tills();
  await reports.enrollmentCodes();
}, 180_000);

afterAll(async () => {
  till?.ledger.close();
  await server?.stop();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The server reads a push with `pushRequestSchema`, then each event with its own schema. */
const server_push_reader = pushRequestSchema.extend({ events: eventSchema.array() });

function pushes(): Exchange[] {
  return exchanges.filter((exchange) => exchange.request.url === '/v1/sync/push');
}

function pulls(): Exchange[] {
  return exchanges.filter((exchange) => exchange.request.url.startsWith('/v1/sync/pull') && exchange.status === 200);
}

describe('every hop reads what the hop before it wrote, in the same names', () => {
  it('the till pushes what the server parses: the request and every event', () => {
    const found: string[] = [];
    let events = 0;
    for (const exchange of pushes()) {
      found.push(...wireMismatches(server_push_reader, exchange.request.body).map((text) => `push: ${text}`));
      events += (exchange.request.body as { events: unknown[] }).events.length;
    }
    expect(events).toBeGreaterThan(50);
    expect(found).toEqual([]);
  });

  it('the server answers pushes, pulls and enrollment in what the till parses', () => {
    const found: string[] = [];
    for (const exchange of pushes().filter((item) => item.status === 200)) found.push(...wireMismatches(pushResponseSchema, exchange.body).map((text) => `push answer: ${text}`));
    const enrollment = exchanges.find((exchange) => exchange.request.url === '/v1/tills/enroll');
    found.push(...wireMismatches(enrollResponseSchema, enrollment?.body).map((text) => `enroll answer: ${text}`));
    let records = 0;
    for (const exchange of pulls()) {
      found.push(...wireMismatches(feedPageSchema, exchange.body).map((text) => `feed page: ${text}`));
      for (const change of feedPageSchema.parse(exchange.body).changes) {
        const kept = ledgerChange(change, { till_id: till.till_id, store_id: business.store_id });
        if (kept === null || kept.data === null || !isFeedRecordKind(kept.kind)) continue;
        records += 1;
        found.push(...wireMismatches(feed_records[kept.kind], kept.data).map((text) => `${kept.kind} record: ${text}`));
      }
    }
    expect(pushes().length).toBeGreaterThan(0);
    expect(records).toBeGreaterThan(10);
    expect(found).toEqual([]);
    // The feed's signed checkpoints verified with the enrollment key and were kept (DESIGN §5 Pull).
    expect((rawDb(till.ledger).prepare('SELECT COUNT(*) AS n FROM server_checkpoints').get() as { n: number }).n).toBeGreaterThan(0);
    expect(till.agent.status().alarm).toBeNull();
  });

  it('the owner API answers in what the owner view parses', () => {
    expect(owner_answers.length).toBeGreaterThan(15);
    expect(owner_answers.filter((answer) => answer.mismatches.length > 0)).toEqual([]);
  });
});

describe('the check fails on a planted mismatch', () => {
  it('a till event field under another name', () => {
    const push = pushes()[0]!.request.body as { events: { payload: Record<string, unknown> }[] };
    const sale = push.events.find((event) => (event as unknown as { type: string }).type === 'stock_received') ?? push.events[0]!;
    const renamed = structuredClone(sale) as unknown as { payload: { lines?: Record<string, unknown>[] } } & Record<string, unknown>;
    // `actor_id` as the server once called it.
    renamed['cashier_id'] = renamed['actor_id'];
    delete renamed['actor_id'];
    expect(wireMismatches(eventSchema, sale)).toEqual([]);
    expect(wireMismatches(eventSchema, renamed).join('\n')).toMatch(/actor_id|cashier_id/);
  });

  it('a feed record field under another name, even though feed records let extra keys through', () => {
    const product = pulls()
      .flatMap((exchange) => feedPageSchema.parse(exchange.body).changes)
      .find((change) => change.kind === 'product')!;
    const data = structuredClone(product.data) as Record<string, unknown>;
    expect(wireMismatches(feed_records.product, data)).toEqual([]);
    data['unit_price'] = data['price_cents'];
    delete data['price_cents'];
    expect(wireMismatches(feed_records.product, data).join('\n')).toMatch(/price_cents/);
    // An optional field renamed is caught as a key the reader does not declare.
    const extra = { ...(product.data as Record<string, unknown>), total_cents: 100 };
    expect(wireMismatches(feed_records.product, extra)).toEqual(['total_cents: not declared by the reader']);
  });

  it('an owner answer field under another name', () => {
    expect(sale_detail_raw).not.toBeNull();
    const detail = structuredClone(sale_detail_raw) as { sale: Record<string, unknown> };
    expect(wireMismatches(saleDetailResponseSchema, detail)).toEqual([]);
    const key = Object.keys(detail.sale).find((name) => name.endsWith('_cents')) ?? 'total_cents';
    detail.sale[key.replace(/_cents$/, '')] = detail.sale[key];
    delete detail.sale[key];
    expect(wireMismatches(saleDetailResponseSchema, detail).length).toBeGreaterThan(0);
  });
});
