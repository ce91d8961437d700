import { describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFeedPage } from '../src/feed/pull.js';
import { buildTestApp, deviceAuth, login, testDatabases, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

for (const target of testDatabases()) {
  describe(`pull feed (${target.name})`, () => {
    const t = useServerSuite(target);

    const pull = async (business: TestBusiness, query: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/sync/pull?${query}`, headers: deviceAuth(business) });
      return { status: res.statusCode, body: res.json() };
    };

    it('returns stock levels, balances and the till acked_seq after a push, and nothing after the new cursor', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const start = await pull(business, 'after=0');
      expect(start.status).toBe(200);
      expect(start.body.acked_seq).toBe(0);
      const sugar = business.products[0]!;
      await t.push(business, [till.sale([[sugar, 2]]), till.sale([[sugar, 1]])]);
      const page = await pull(business, `after=${start.body.cursor}`);
      const kinds = page.body.changes.map((c: { kind: string }) => c.kind);
      expect(kinds).toEqual(['stock_level', 'till_state']);
      expect(page.body.changes[0].data).toEqual({ store_id: business.store_id, product_id: sugar.id, on_hand: -3 });
      expect(page.body.acked_seq).toBe(2);
      // The latest signed checkpoint rides along, so the till can hold the server to its history.
      expect(page.body.checkpoint).toMatchObject({ business_id: business.business_id });
      expect(page.body.checkpoint.signature).toMatch(/^[0-9a-f]{128}$/);
      // On hand shown by the till: level at cursor (−3) + own movements after acked_seq (none) = −3.
      const after = await pull(business, `after=${page.body.cursor}`);
      expect(after.body.changes).toEqual([]);
      expect(after.body.cursor).toBe(page.body.cursor);
      expect(after.body.acked_seq).toBe(2);
      // A cursor from the future (a server restored from an older backup) starts the till over.
      const reset = await pull(business, 'after=999999999');
      expect(reset.body.changes.length).toBeGreaterThan(0);
      expect(reset.body.cursor).toBe(page.body.cursor);
    });

    it('reports acked_seq as of the cursor, and never splits one push across two pages', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const [a, b, c] = business.products;
      const base = Number((await pull(business, 'after=0')).body.cursor);
      await t.push(business, [till.sale([[a!, 1], [b!, 1000], [c!, 1]])]); // 3 levels + till_state
      await t.push(business, [till.sale([[a!, 1]])]); // 1 level + till_state
      const first = await readFeedPage(t.db, business.business_id, base, { tillId: business.till.id, limit: 2 });
      expect(first.changes.map((ch) => ch.kind)).toEqual(['stock_level', 'stock_level', 'stock_level', 'till_state']);
      expect(first.acked_seq).toBe(1);
      const second = await readFeedPage(t.db, business.business_id, Number(first.cursor), { tillId: business.till.id, limit: 2 });
      expect(second.changes.map((ch) => ch.kind)).toEqual(['stock_level', 'till_state']);
      expect(second.acked_seq).toBe(2);
    });

    it('refuses a malformed cursor or wait with 400 naming the field', async () => {
      const { business } = await t.newBusinessWithTill();
      expect((await pull(business, 'after=abc')).body).toMatchObject({ code: 'invalid_input', field: 'after' });
      expect((await pull(business, 'wait=31')).body).toMatchObject({ code: 'invalid_input', field: 'wait' });
      expect((await pull(business, 'colour=red')).status).toBe(400);
    });

    it('wakes a long-poll when a push lands, and times out empty otherwise', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const cursor = (await pull(business, 'after=0')).body.cursor;
      const started = Date.now();
      const waiting = pull(business, `after=${cursor}&wait=20`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await t.push(business, [till.sale([[business.products[0]!, 1]])]);
      const woke = await waiting;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(woke.body.changes.map((c: { kind: string }) => c.kind)).toEqual(['stock_level', 'till_state']);
      const quiet = await pull(business, `after=${woke.body.cursor}&wait=1`);
      expect(quiet.body.changes).toEqual([]);
    });

    if (target.name !== 'postgres') {
      console.warn('[feed-pull] cross-instance wake-up runs on PostgreSQL only: PGlite is one embedded instance, woken in-process.');
    }
    it.runIf(target.name === 'postgres')('wakes a long-poll held by another server instance (LISTEN/NOTIFY)', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const other = await buildTestApp(t.db);
      try {
        const cursor = (await pull(business, 'after=0')).body.cursor;
        const started = Date.now();
        const waiting = other.app.inject({ method: 'GET', url: `/v1/sync/pull?after=${cursor}&wait=20`, headers: deviceAuth(business) });
        await new Promise((resolve) => setTimeout(resolve, 300));
        await t.push(business, [till.sale([[business.products[0]!, 1]])]);
        const woke = (await waiting).json();
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(woke.changes.map((c: { kind: string }) => c.kind)).toEqual(['stock_level', 'till_state']);
      } finally {
        await other.app.close();
      }
    });

    it('answers 503 with Retry-After when the instance holds its maximum of waiters', async () => {
      const { business } = await t.newBusinessWithTill();
      const held = [];
      for (let w = t.app.feedWaiters.register('filler'); w !== null; w = t.app.feedWaiters.register('filler')) held.push(w);
      try {
        const res = await t.app.inject({ method: 'GET', url: '/v1/sync/pull?wait=5', headers: deviceAuth(business) });
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        expect(res.json()).toMatchObject({ code: 'feed_busy' });
        // A pull that does not wait is still served.
        expect((await pull(business, 'after=0')).status).toBe(200);
      } finally {
        held.forEach((w) => w.cancel());
      }
      expect(t.app.feedWaiters.size).toBe(0);
    });

    it('streams the same feed as SSE to the owner, resuming from Last-Event-ID', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const session = await login(t.app, business.owner.email, business.owner.password);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const base = Number((await pull(business, 'after=0')).body.cursor);
      const received: string[] = [];
      const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/feed/stream', headers: { ...session.bearer, 'last-event-id': String(base) } });
      const gotTwo = new Promise<void>((resolve, reject) => {
        req.on('response', (res) => {
          expect(res.statusCode).toBe(200);
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            received.push(chunk);
            if (received.join('').split('event: change').length - 1 >= 2) resolve();
          });
        });
        req.on('error', reject);
      });
      req.end();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await t.push(business, [till.sale([[business.products[0]!, 1]])]);
      await gotTwo;
      req.destroy();
      const text = received.join('');
      expect(text).toContain(': connected');
      expect(text).toContain(`id: ${base + 1}\nevent: change`);
      expect(text).toContain('"kind":"till_state"');
      // Kinds and ids only: the page refetches what it shows, through routes that check its role.
      expect(text).not.toContain('"data"');
      expect(text).not.toContain('acked_seq');
      // A till's token is not an owner session.
      const denied = await t.app.inject({ method: 'GET', url: '/v1/feed/stream', headers: deviceAuth(business) });
      expect(denied.statusCode).toBe(403);
    });
  });
}
