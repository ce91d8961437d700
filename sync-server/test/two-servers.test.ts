/**
 * Two `payme-server serve` processes on one PostgreSQL (DESIGN §13: the server is stateless
 * between requests, wake-ups cross instances with LISTEN/NOTIFY, jobs are claimed with a lease).
 * Ten tills are enrolled alternately on the two servers and push while every batch is sent again
 * and again to both at once; SSE streams and long-polls hang on each; M-Pesa jobs fall due on
 * both. Checked: every event is applied exactly once, a push on one server wakes the streams on
 * the other, each Daraja job runs once, and the limits behave as sync-server/README.md says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, cryptoRandom, systemClock, uuidv7 } from '@payme/shared';
import { openDb, type Db } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { createEnrollmentCode } from '../src/auth/enrollment.js';
import { generateMasterKey, keyringOf } from '../src/mpesa/credentials.js';
import { saveMpesaAccount } from '../src/mpesa/mpesa-account.js';
import { createDarajaSimulator, type DarajaSimulator } from '../src/mpesa/simulator/sim-app.js';
import { kit_secrets, kit_store_number, kit_till_number } from '../src/mpesa/testing/mpesa-test-kit.js';
import { TillEvents, pushBody, type Envelope } from './ingest-event-builder.js';
import { buildTestApp, createFreshPostgres, createTestBusiness, type TestApp, type TestBusiness } from './support/index.js';
import { httpJson as http, startServerProcess, type ServerProcess } from './support/server-process.js';

const database_url = process.env.TEST_DATABASE_URL;
if (!database_url) console.warn('[two-servers] skipped: TEST_DATABASE_URL is not set (two server processes need one PostgreSQL to share; PGlite is one process\'s).');

const tills_count = 10;
const batches_per_till = 3;
const sales_per_batch = 4;
/** Copies of every batch sent at once to each of the two servers. */
const copies_per_server = 3;
const wait_ms = 60_000;

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined> | T | null | undefined, timeoutMs = wait_ms): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`gave up waiting ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One SSE client: every line as it arrived, with the time it arrived. */
class SseClient {
  readonly lines: Array<{ at: number; text: string }> = [];
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();

  constructor(
    readonly server: string,
    private readonly url: string,
    private readonly token: string,
  ) {}

  async open(): Promise<void> {
    const response = await fetch(this.url, { headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' }, signal: this.abort.signal });
    if (response.status !== 200 || !response.body) throw new Error(`SSE on ${this.server}: HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffered += value;
          let newline = buffered.indexOf('\n');
          while (newline >= 0) {
            this.lines.push({ at: performance.now(), text: buffered.slice(0, newline) });
            buffered = buffered.slice(newline + 1);
            newline = buffered.indexOf('\n');
          }
        }
      } catch {
        // aborted at the end of the test
      }
    })();
    await waitFor(`SSE on ${this.server} to say it is connected`, () => (this.lines.some((line) => line.text === ': connected') ? true : null));
  }

  /** The change events received so far: their cursor and the time each arrived. */
  changes(): Array<{ at: number; cursor: number; kind: string }> {
    return this.lines
      .filter((line) => line.text.startsWith('data: ') && line.text.includes('"cursor"'))
      .map((line) => {
        const data = JSON.parse(line.text.slice(6)) as { cursor: string; kind: string };
        return { at: line.at, cursor: Number(data.cursor), kind: data.kind };
      });
  }

  heartbeatsBetween(from: number, to: number): number {
    return this.lines.filter((line) => line.text === ': heartbeat' && line.at >= from && line.at <= to).length;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

interface Till {
  index: number;
  till_id: string;
  token: string;
  events: TillEvents;
  home: ServerProcess;
}

describe.skipIf(!database_url)('two payme-server processes on one PostgreSQL', { timeout: 240_000 }, () => {
  let fresh: { url: string; drop(): Promise<void> };
  let db: Db;
  let setup: TestApp;
  let business: TestBusiness;
  let sim: DarajaSimulator;
  let a: ServerProcess;
  let b: ServerProcess;
  let dir: string;
  let ownerToken: string;
  const tills: Till[] = [];
  const streams: SseClient[] = [];

  beforeAll(async () => {
    fresh = await createFreshPostgres(database_url as string);
    db = await openDb({ databaseUrl: fresh.url, poolSize: 4 });
    await migrate(db);
    // The business is made in-process (cheap hashes); the servers read it from the database.
    setup = await buildTestApp(db, { clock: new ManualClock(Date.now()) });
    business = await createTestBusiness(setup.deps);
    dir = mkdtempSync(path.join(tmpdir(), 'payme-two-servers-'));
    const masterKey = generateMasterKey(cryptoRandom);
    const env = {
      DATABASE_URL: fresh.url,
      PAYME_AUDIT_SIGNING_KEY: Buffer.from(cryptoRandom.bytes(32)).toString('hex'),
      PAYME_MASTER_KEY: masterKey.key.toString('base64'),
    };
    [a, b] = await Promise.all(
      ['a', 'b'].map((name) => startServerProcess({ data: path.join(dir, name), env, log_file: path.join(dir, `server-${name}.log`) })),
    ) as [ServerProcess, ServerProcess];
    sim = createDarajaSimulator({ clock: systemClock, random: cryptoRandom, passkeys: { [kit_store_number]: kit_secrets.passkey }, delays: { callback_ms: 5 } });
    const simUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
    await db.transaction((tx) =>
      saveMpesaAccount(tx, { keyring: keyringOf(masterKey), random: cryptoRandom, clock: systemClock }, business.business_id, {
        base_url: simUrl,
        kind: 'till',
        business_shortcode: kit_store_number,
        till_number: kit_till_number,
        callback_base_url: a.url,
        trust_callbacks: false,
      }, kit_secrets),
    );
    const codes = await db.transaction(async (tx) => {
      const out: string[] = [];
      for (let i = 0; i < tills_count; i += 1) out.push((await createEnrollmentCode(tx, setup.deps, business.business_id, business.store_id, business.owner.id)).code);
      return out;
    });
    // Tills split across the two servers: even ones enroll on A, odd ones on B.
    for (const [index, code] of codes.entries()) {
      const home = index % 2 === 0 ? a : b;
      const enrolled = await http(`${home.url}/v1/tills/enroll`, { method: 'POST', body: { code, name: `Till ${index + 1}` } });
      expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(200);
      const till_id = String(enrolled.body.till_id);
      tills.push({ index, till_id, token: String(enrolled.body.device_token), home, events: new TillEvents(till_id, business.cashier.id, 1_000 + index, String(enrolled.body.receipt_prefix)) });
    }
    const login = await http(`${a.url}/v1/auth/login`, { method: 'POST', body: { email: business.owner.email, password: business.owner.password } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    ownerToken = String(login.body.token);
    // The owner's session, made on A, opens a stream on each server.
    for (const server of [a, b]) {
      const stream = new SseClient(server === a ? 'A' : 'B', `${server.url}/v1/feed/stream?after=${await feedHead()}`, ownerToken);
      await stream.open();
      streams.push(stream);
    }
  });

  afterAll(async () => {
    for (const stream of streams) await stream.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await sim?.app.close();
    await setup?.app.close();
    await db?.close();
    await fresh?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function feedHead(): Promise<number> {
    const rows = await db.query<{ feed_seq: number }>('SELECT feed_seq FROM businesses WHERE id = $1', [business.business_id]);
    return Number(rows[0]?.feed_seq ?? 0);
  }

  function push(server: ServerProcess, till: Till, events: Envelope[]) {
    return http(`${server.url}/v1/sync/push`, { method: 'POST', headers: { authorization: `Bearer ${till.token}` }, body: pushBody(till.till_id, events) });
  }

  function sales(till: Till, count: number): Envelope[] {
    const [sugar, rice] = business.products as [TestBusiness['products'][number], TestBusiness['products'][number]];
    return Array.from({ length: count }, (_, n) => till.events.sale([[sugar, 1 + (n % 2)], [rice, 250]]));
  }

  it('a retry storm of the same batches against both servers applies every event exactly once, while streams and long-polls hang on each', async () => {
    const startHead = await feedHead();
    // A long-poll on each server, from a till enrolled on the other one.
    const longPolls = [a, b].map((server, n) => {
      const till = tills[n === 0 ? 1 : 0] as Till;
      return http(`${server.url}/v1/sync/pull?after=${startHead}&wait=30`, { headers: { authorization: `Bearer ${till.token}` } });
    });
    const applied = new Map<string, number>();
    const started = performance.now();
    await Promise.all(
      tills.map(async (till) => {
        for (let batch = 0; batch < batches_per_till; batch += 1) {
          const events = sales(till, sales_per_batch);
          const other = till.home === a ? b : a;
          // The till's home server first in the list, then the other; all copies at once.
          const answers = await Promise.all([till.home, other].flatMap((server) => Array.from({ length: copies_per_server }, () => push(server, till, events))));
          for (const answer of answers) {
            expect(answer.status, JSON.stringify(answer.body)).toBe(200);
            expect(answer.body.acked_seq).toBe(events.at(-1)?.seq);
            for (const result of answer.body.results as Array<{ event_id: string; status: string }>) {
              expect(['applied', 'duplicate']).toContain(result.status);
              if (result.status === 'applied') applied.set(result.event_id, (applied.get(result.event_id) ?? 0) + 1);
            }
          }
        }
      }),
    );
    const stormMs = performance.now() - started;
    const total = tills_count * batches_per_till * sales_per_batch;
    // Exactly one of the 6 copies of each event says it applied it; the others, duplicate.
    expect(applied.size).toBe(total);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);

    const stored = await db.query<{ till_id: string; events: number; applied: number; max_seq: number }>(
      `SELECT till_id::text AS till_id, count(*)::int AS events, count(*) FILTER (WHERE status = 'applied')::int AS applied, max(seq)::int AS max_seq
         FROM till_events WHERE business_id = $1 GROUP BY till_id`,
      [business.business_id],
    );
    for (const till of tills) {
      expect(stored.find((row) => row.till_id === till.till_id)).toEqual({ till_id: till.till_id, events: batches_per_till * sales_per_batch, applied: batches_per_till * sales_per_batch, max_seq: batches_per_till * sales_per_batch });
    }
    const [salesRow] = await db.query<{ sales: number; receipts: number }>('SELECT count(*)::int AS sales, count(DISTINCT receipt_no)::int AS receipts FROM sales WHERE business_id = $1', [business.business_id]);
    expect(salesRow).toEqual({ sales: total, receipts: total });
    // Stock moved once per sale line: sugar 1 or 2 a sale, alternately.
    const [sugar] = business.products;
    const [moved] = await db.query<{ quantity: number }>('SELECT COALESCE(sum(delta), 0)::int AS quantity FROM stock_movements WHERE business_id = $1 AND product_id = $2', [business.business_id, sugar?.id]);
    expect(moved?.quantity).toBe(-(tills_count * batches_per_till * (sales_per_batch / 2) * 3));

    // Both long-polls came back with changes, and each stream reaches the feed's head.
    for (const answer of await Promise.all(longPolls)) {
      expect(answer.status).toBe(200);
      expect((answer.body.changes as unknown[]).length).toBeGreaterThan(0);
    }
    const head = await feedHead();
    for (const stream of streams) await waitFor(`stream on ${stream.server} to reach cursor ${head}`, () => (stream.changes().some((change) => change.cursor === head) ? true : null));
    console.log(JSON.stringify({ test: 'two-servers storm', tills: tills_count, events: total, pushes: tills_count * batches_per_till * copies_per_server * 2, storm_ms: Math.round(stormMs) }));
  });

  it('a push on one server wakes the stream on the other at once (LISTEN/NOTIFY), not at its next heartbeat', async () => {
    // A round counts when no heartbeat reached the stream between the push and the change: then
    // only a wake-up can have made the stream read again. With NOTIFY missing, every change
    // arrives after a heartbeat (15 s), so no round would count.
    const conclusive = { A: 0, B: 0 };
    for (let round = 0; round < 12 && (conclusive.A < 2 || conclusive.B < 2); round += 1) {
      const target = round % 2 === 0 ? a : b;
      const watcher = streams[target === a ? 1 : 0] as SseClient;
      const till = tills.find((candidate) => candidate.home === target) as Till;
      const before = watcher.changes().length;
      const sent = performance.now();
      const answer = await push(target, till, sales(till, 1));
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const head = await feedHead();
      const arrived = await waitFor(`the stream on ${watcher.server} to see cursor ${head}`, () => watcher.changes().slice(before).find((change) => change.cursor === head) ?? null);
      if (watcher.heartbeatsBetween(sent, arrived.at) === 0) conclusive[watcher.server as 'A' | 'B'] += 1;
    }
    expect(conclusive.A, 'rounds where a push on B woke the stream on A').toBeGreaterThanOrEqual(2);
    expect(conclusive.B, 'rounds where a push on A woke the stream on B').toBeGreaterThanOrEqual(2);
  });

  it('M-Pesa: a storm of the same STK request on both servers makes one payment and one STK push; every due job runs once', async () => {
    const till = tills[0] as Till;
    // Half the phones answer normally (a success callback, then an stk_confirm job that asks
    // STK Query); on the other half the callback is lost (a stk_deadline job, made due below).
    const payments = Array.from({ length: 10 }, (_, n) => ({ payment_id: uuidv7(systemClock, cryptoRandom), phone: n % 2 === 0 ? `2547083${String(n).padStart(5, '1')}` : `254708${String(n).padStart(2, '0')}0404`, amount: 10_000 + n * 100 }));
    await Promise.all(
      payments.map(async (payment) => {
        const answers = await Promise.all(
          [a, b, a, b].map((server) => http(`${server.url}/v1/payments/mpesa/stk`, { method: 'POST', headers: { authorization: `Bearer ${till.token}`, 'idempotency-key': payment.payment_id }, body: payment })),
        );
        for (const answer of answers) {
          expect([200, 201, 202], JSON.stringify(answer.body)).toContain(answer.status);
          expect(answer.body.payment_id).toBe(payment.payment_id);
        }
      }),
    );
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payments WHERE business_id = $1', [business.business_id]);
    expect(rows[0]?.n).toBe(payments.length);
    const inbound = () => sim.context.inbound;
    const pushes = inbound().filter((request) => request.operation === 'stk_push');
    for (const payment of payments) {
      const reference = payment.payment_id.replace(/-/g, '').slice(-12);
      expect(pushes.filter((request) => (request.body as { AccountReference?: string }).AccountReference === reference), `STK pushes for ${payment.payment_id}`).toHaveLength(1);
    }
    // The lost callbacks' deadline jobs fall due now, on both servers at once.
    await db.query(`UPDATE mpesa_jobs SET run_at = now() WHERE business_id = $1 AND kind = 'stk_deadline' AND subject = ANY($2::text[])`, [
      business.business_id,
      payments.filter((_, n) => n % 2 === 1).map((payment) => payment.payment_id),
    ]);
    // Each success is confirmed by STK Query (stk_confirm); each lost callback is settled by the
    // deadline's query, and its receipt looked up with Transaction Status (receipt_lookup).
    const final = await waitFor('every payment to be settled with its receipt, and no due job left open', async () => {
      const states = await db.query<{ payment_id: string; state: string; receipt_pending: boolean; checkout_request_id: string | null }>(
        'SELECT payment_id::text AS payment_id, state, receipt_pending, checkout_request_id FROM payments WHERE business_id = $1',
        [business.business_id],
      );
      const open = await db.query('SELECT 1 FROM mpesa_jobs WHERE business_id = $1 AND done_at IS NULL AND run_at <= now()', [business.business_id]);
      return open.length === 0 && states.every((row) => row.state === 'succeeded' && !row.receipt_pending) ? states : null;
    });
    const jobs = await db.query<{ kind: string; subject: string; attempts: number; done: boolean }>(
      'SELECT kind, subject, attempts, done_at IS NOT NULL AS done FROM mpesa_jobs WHERE business_id = $1 AND run_at <= now() ORDER BY kind, subject',
      [business.business_id],
    );
    const lost = payments.filter((_, n) => n % 2 === 1).map((payment) => payment.payment_id);
    const answered = payments.filter((_, n) => n % 2 === 0).map((payment) => payment.payment_id);
    expect(jobs.map((job) => `${job.kind} ${job.subject}`).sort()).toEqual(
      [...answered.map((id) => `stk_confirm ${id}`), ...lost.map((id) => `stk_deadline ${id}`), ...lost.map((id) => `receipt_lookup ${id}`)].sort(),
    );
    for (const job of jobs) expect(job, JSON.stringify(job)).toMatchObject({ done: true, attempts: 1 });
    // One STK Query per payment and one Transaction Status per lost callback: each job ran on one server only.
    const queries = inbound().filter((request) => request.operation === 'stk_query');
    const lookups = inbound().filter((request) => request.operation === 'transaction_status');
    for (const row of final) {
      expect(queries.filter((request) => (request.body as { CheckoutRequestID?: string }).CheckoutRequestID === row.checkout_request_id), `STK queries for ${row.payment_id}`).toHaveLength(1);
      const expected = lost.includes(row.payment_id) ? 1 : 0;
      expect(lookups.filter((request) => JSON.stringify(request.body).includes(String(row.checkout_request_id))), `Transaction Status requests for ${row.payment_id}`).toHaveLength(expected);
    }
  });

  it('limits: the per-account sign-in throttle holds across both servers; the per-IP limit is per server, as the README says', async () => {
    const wrong = { email: business.manager.email, password: 'not-the-password' };
    // Five failures, alternately on A and B, are free; the sixth is refused on either server.
    for (const server of [a, b, a, b, a]) expect((await http(`${server.url}/v1/auth/login`, { method: 'POST', body: wrong })).status).toBe(401);
    for (const server of [b, a]) {
      const refused = await http(`${server.url}/v1/auth/login`, { method: 'POST', body: wrong });
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('login_throttled');
    }
    // The per-IP limit (10 a minute) is counted by each server for itself.
    const stranger = { email: `nobody-${cryptoRandom.int(0, 1e9)}@example.test`, password: 'whatever-it-is' };
    let limited = false;
    for (let attempt = 0; attempt < 25 && !limited; attempt += 1) limited = (await http(`${a.url}/v1/auth/login`, { method: 'POST', body: stranger })).body.code === 'rate_limited';
    expect(limited).toBe(true);
    const onB = await http(`${b.url}/v1/auth/login`, { method: 'POST', body: stranger });
    expect(onB.body.code).not.toBe('rate_limited');
  });
});
