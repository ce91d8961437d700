/**
 * `npm run bench -- owner-dashboard` (issue 13): the owner's reports over a shop with 1,000,000
 * sale lines over 90 business days, 20 tills, 3 stores (owner-dashboard-seed.ts: bulk-seeded
 * events and projections, rollups by the server's own rebuild), on PGlite and, when
 * TEST_DATABASE_URL is set, on PostgreSQL.
 *
 * One line per endpoint (`summary-today`, `summary-7d`, `summary-90d`, `credit-book`,
 * `sales-page`): `p95_ms` is the endpoint over real HTTP with an owner's session; `sql_p95_ms` its
 * own SQL (the statement and parameters the route builds, exported by reports/*.ts) run directly
 * on the same database, interleaved with the HTTP requests; `ratio` = p95_ms / sql_p95_ms and
 * `over_sql_ms` = p95_ms − sql_p95_ms. `naive_p95_ms`, for context, is the same figures
 * aggregated without rollups: the summaries from sales, sale_lines and tenders; the credit
 * book's balances summed from credit_entries instead of customer_balances; the sales page's
 * amounts summed from its sale_lines. Targets: p95_ms ≤ 100 and (ratio ≤ 1.5 or over_sql_ms ≤ 5).
 *
 * Scenario `live`: 500 SSE clients of the owner's feed (GET /v1/feed/stream); a till pushes a
 * sale; latency from the push's acknowledgement (its 200 answer read) to the first change event
 * at each client (an event that arrives before the acknowledgement counts as 0, and is counted
 * in `before_ack`). Baseline, same run: a bare node:http SSE server writing one event to 500
 * such clients. Target p95_ms ≤ 250.
 *
 * BENCH_LINES (default 1,000,000), BENCH_SAMPLES (HTTP and SQL samples per endpoint, 100),
 * BENCH_NAIVE_SAMPLES (5), BENCH_CLIENTS (500), BENCH_LIVE_ROUNDS (20), BENCH_DATABASE and
 * BENCH_SCENARIO (one of them only) tune a run; BENCH_EXPLAIN=1 prints each endpoint's plan on stderr.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { addDays, creditBookQuerySchema, salesQuerySchema, summaryQuerySchema } from '@payme/shared';
import type { Db } from '../src/db/db.js';
import { refreshPlannerStatistics } from '../src/db/planner-statistics.js';
import { businessDaySql, periodEndSql, periodStartSql } from '../src/reports/business-day.js';
import { credit_book_sql, creditBookParams } from '../src/reports/credit-book.js';
import { resolvePeriod } from '../src/reports/report-period.js';
import { sales_page_sql, salesPageParams } from '../src/reports/sales-list.js';
import { planSummary, summary_sql, summaryParams } from '../src/reports/summary.js';
import { login } from '../test/support/index.js';
import { benchDatabases, latencySummary, percentile, progress, startServer, type BenchServer } from './ingest-bench-setup.js';
import { seedShop, type SeededShop } from './owner-dashboard-seed.js';

const lines_total = Number(process.env.BENCH_LINES ?? 1_000_000);
const samples = Number(process.env.BENCH_SAMPLES ?? 100);
const naive_samples = Number(process.env.BENCH_NAIVE_SAMPLES ?? 5);
const clients = Number(process.env.BENCH_CLIENTS ?? 500);
const live_rounds = Number(process.env.BENCH_LIVE_ROUNDS ?? 20);
/** 21:30 in Nairobi on the last seeded business day: the shop has closed (sales run 07:00–21:00). */
const bench_now = Date.UTC(2026, 10, 26, 18, 30, 0);

const round2 = (value: number) => Math.round(value * 100) / 100;
const wanted = (scenario: string) => !process.env.BENCH_SCENARIO || process.env.BENCH_SCENARIO === scenario;

/** The summary's figures from the raw rows: $1..$7 as summary_sql's. */
const naive_sums = `count(DISTINCT c.sale_id)::bigint AS sale_count, sum(l.gross_cents + l.discount_cents)::bigint AS gross_cents,
  sum(l.discount_cents)::bigint AS discount_cents, sum(l.vat_cents)::bigint AS vat_cents, sum(l.net_cents)::bigint AS net_cents`;
const naive_summary_sql = `WITH b AS (SELECT id, time_zone, business_day_cutoff FROM businesses WHERE id = $1),
cur AS (
  SELECT s.sale_id, s.store_id, s.till_id, s.cashier_id, s.sold_at, ${businessDaySql('s.sold_at')} AS business_day
    FROM sales s CROSS JOIN b
   WHERE s.business_id = $1 AND s.status = 'completed' AND s.sold_at >= ${periodStartSql('$2')} AND s.sold_at < ${periodEndSql('$3')}
     AND ($6::uuid IS NULL OR s.store_id = $6::uuid)
),
prev AS (
  SELECT s.sale_id FROM sales s CROSS JOIN b
   WHERE s.business_id = $1 AND s.status = 'completed' AND s.sold_at >= ${periodStartSql('$4')} AND s.sold_at < ${periodEndSql('$5')}
     AND ($6::uuid IS NULL OR s.store_id = $6::uuid)
)
SELECT
  (SELECT json_agg(g) FROM (
     SELECT GROUPING(c.store_id) AS g_store, GROUPING(c.till_id) AS g_till, GROUPING(c.cashier_id) AS g_cashier, GROUPING(c.business_day) AS g_day,
            c.store_id, c.till_id, c.cashier_id, c.business_day, ${naive_sums}
       FROM cur c JOIN sale_lines l ON l.business_id = $1 AND l.sale_id = c.sale_id
      GROUP BY GROUPING SETS ((), (c.store_id), (c.till_id), (c.cashier_id), (c.business_day))) g) AS current,
  (SELECT json_agg(x) FROM (
     SELECT t.kind, sum(t.amount_cents)::bigint AS amount_cents FROM cur c JOIN tenders t ON t.business_id = $1 AND t.sale_id = c.sale_id GROUP BY t.kind) x) AS by_tender,
  (SELECT json_agg(h) FROM (
     SELECT c.business_day, extract(hour FROM c.sold_at AT TIME ZONE (SELECT time_zone FROM b))::int AS hour, ${naive_sums}
       FROM cur c JOIN sale_lines l ON l.business_id = $1 AND l.sale_id = c.sale_id
      WHERE $7 GROUP BY 1, 2) h) AS hours,
  (SELECT json_build_object('lines', (SELECT json_build_object('sale_count', count(DISTINCT c.sale_id), 'gross_cents', sum(l.gross_cents + l.discount_cents), 'vat_cents', sum(l.vat_cents))
                                        FROM prev c JOIN sale_lines l ON l.business_id = $1 AND l.sale_id = c.sale_id),
                            'by_tender', (SELECT json_agg(y) FROM (SELECT t.kind, sum(t.amount_cents) AS amount_cents FROM prev c JOIN tenders t ON t.business_id = $1 AND t.sale_id = c.sale_id GROUP BY t.kind) y))) AS previous`;

/** The credit book with each balance summed from the credit entries, not read from customer_balances. */
const balances_from = 'FROM customer_balances cb';
if (!credit_book_sql.includes(balances_from)) throw new Error(`credit_book_sql no longer reads "${balances_from}": update the naive variant`);
const naive_credit_book_sql = credit_book_sql.replace(
  balances_from,
  'FROM (SELECT business_id, customer_id, sum(delta_cents) AS balance_cents FROM credit_entries WHERE business_id = $1 GROUP BY business_id, customer_id) cb',
);

/** The sales page with each sale's amounts summed from its lines: $1 business, $2/$3 period, $4 rows. */
const naive_sales_page_sql = `WITH b AS (SELECT id, time_zone, business_day_cutoff FROM businesses WHERE id = $1)
SELECT s.sale_id, s.receipt_no, s.status, s.till_id, s.cashier_id, s.sold_at, sum(l.gross_cents)::bigint AS gross_cents, sum(l.vat_cents)::bigint AS vat_cents,
       sum(l.discount_cents)::bigint AS discount_cents, count(*) AS lines
  FROM sales s CROSS JOIN b JOIN sale_lines l ON l.business_id = s.business_id AND l.sale_id = s.sale_id
 WHERE s.business_id = $1 AND s.sold_at >= ${periodStartSql('$2')} AND s.sold_at < ${periodEndSql('$3')}
 GROUP BY s.business_id, s.sale_id
 ORDER BY s.sold_at DESC, s.sale_id DESC
 LIMIT $4`;

interface Endpoint {
  scenario: 'summary-today' | 'summary-7d' | 'summary-90d' | 'credit-book' | 'sales-page';
  url: string;
  sql: string;
  params: unknown[];
  naive_sql: string;
  naive_params: unknown[];
  /** Throws when the answer is not what the seeded shop must give. */
  check(body: Record<string, unknown>): void;
}

function endpoints(shop: SeededShop): Endpoint[] {
  const business = shop.business.business_id;
  const today = shop.today;
  const summary = (scenario: Endpoint['scenario'], query: Record<string, string>, check: Endpoint['check']): Endpoint => {
    const parsed = summaryQuerySchema.parse(query);
    const params = summaryParams(business, planSummary(parsed, resolvePeriod(parsed, today)));
    const search = new URLSearchParams(query).toString();
    return { scenario, url: `/v1/reports/summary${search ? `?${search}` : ''}`, sql: summary_sql, params, naive_sql: naive_summary_sql, naive_params: params, check };
  };
  const sales = (body: Record<string, unknown>) => (body['totals'] as { sale_count: number }).sale_count;
  const salesQuery = salesQuerySchema.parse({});
  const salesPeriod = resolvePeriod(salesQuery, today);
  const creditQuery = creditBookQuerySchema.parse({});
  return [
    summary('summary-today', {}, (body) => {
      if (!(sales(body) > 0) || body['from'] !== today) throw new Error(`summary-today: ${sales(body)} sales from ${String(body['from'])}`);
    }),
    summary('summary-7d', { from: addDays(today, -6), to: today }, (body) => {
      if (!(sales(body) > 0)) throw new Error('summary-7d: no sales');
    }),
    summary('summary-90d', { from: addDays(today, -89), to: today }, (body) => {
      // Every seeded sale, plus those the live scenario pushed if it ran first.
      if (sales(body) < shop.sales) throw new Error(`summary-90d: ${sales(body)} sales, ${shop.sales} seeded`);
    }),
    {
      scenario: 'credit-book',
      url: '/v1/credit',
      sql: credit_book_sql,
      params: creditBookParams(business, today, creditQuery),
      naive_sql: naive_credit_book_sql,
      naive_params: creditBookParams(business, today, creditQuery),
      check(body) {
        if ((body['customers'] as unknown[]).length !== creditQuery.limit) throw new Error('credit-book: not a full page of customers who owe');
      },
    },
    {
      scenario: 'sales-page',
      url: '/v1/sales',
      sql: sales_page_sql,
      params: salesPageParams(business, salesQuery, salesPeriod),
      naive_sql: naive_sales_page_sql,
      naive_params: [business, salesPeriod.from, salesPeriod.to, salesQuery.limit + 1],
      check(body) {
        // A full first page whenever the day has more sales than a page holds (it has at 1M lines).
        const full = shop.sales / 90 > salesQuery.limit * 1.2;
        const shown = (body['sales'] as unknown[]).length;
        if (shown === 0 || (full && (shown !== salesQuery.limit || typeof body['next_cursor'] !== 'string'))) throw new Error(`sales-page: ${shown} sales on the first page`);
      },
    },
  ];
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

async function measureEndpoint(server: BenchServer, db: Db, token: string, endpoint: Endpoint): Promise<{ http: number[]; sql: number[]; naive: number[] }> {
  const http = async () => {
    const res = await fetch(`${server.url}${endpoint.url}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${endpoint.url} answered ${res.status}: ${text.slice(0, 300)}`);
    return text;
  };
  const sql = () => db.query(endpoint.sql, endpoint.params);
  // The first request may meet a keep-alive socket the server closed while the naive SQL of the
  // previous endpoint ran (seconds each): one retry, before anything is timed.
  endpoint.check(JSON.parse(await http().catch(http)) as Record<string, unknown>);
  // Warm-up: plans cached, pages in the buffer cache, connections open.
  for (let i = 0; i < 5; i += 1) {
    await http();
    await sql();
  }
  const out = { http: [] as number[], sql: [] as number[], naive: [] as number[] };
  for (let i = 0; i < samples; i += 1) {
    // Alternate which goes first, so neither always runs right after the other.
    if (i % 2 === 0) {
      out.http.push((await timed(http)).ms);
      out.sql.push((await timed(sql)).ms);
    } else {
      out.sql.push((await timed(sql)).ms);
      out.http.push((await timed(http)).ms);
    }
  }
  await db.query(endpoint.naive_sql, endpoint.naive_params);
  for (let i = 0; i < naive_samples; i += 1) out.naive.push((await timed(() => db.query(endpoint.naive_sql, endpoint.naive_params))).ms);
  return out;
}

interface SseClient {
  armed: boolean;
  arrived: number;
  wake: (() => void) | null;
}

/** `count` SSE clients on their own connections; each notes when a change event reaches it. */
async function openSseClients(port: number, path: string, headers: Record<string, string>, count: number): Promise<{ clients: SseClient[]; close: () => void }> {
  const agent = new Agent({ keepAlive: true, maxSockets: count + 10 });
  const clients: SseClient[] = [];
  await Promise.all(
    Array.from({ length: count }, () => {
      const client: SseClient = { armed: false, arrived: 0, wake: null };
      clients.push(client);
      return new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent }, (res: IncomingMessage) => {
          if (res.statusCode !== 200) reject(new Error(`SSE client answered ${res.statusCode}`));
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (client.armed && chunk.includes('event: change')) {
              client.arrived = performance.now();
              client.armed = false;
              client.wake?.();
            }
          });
          resolve();
        });
        req.on('error', reject);
        req.end();
      });
    }),
  );
  return { clients, close: () => agent.destroy() };
}

/** Resolves when every client has had its change event (or rejects after `limitMs`). */
function allArrived(clients: readonly SseClient[], limitMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let waiting = clients.filter((client) => client.armed).length;
    if (waiting === 0) return resolve();
    const timer = setTimeout(() => reject(new Error(`${waiting} of ${clients.length} SSE clients had no change event after ${limitMs} ms`)), limitMs);
    for (const client of clients) {
      if (!client.armed) continue;
      client.wake = () => {
        client.wake = null;
        waiting -= 1;
        if (waiting === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
    }
  });
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A bare node:http SSE server writing one event to `clients` clients, `live_rounds` times. */
async function sseBaseline(): Promise<number[]> {
  const open: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    open.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const { clients: sse, close } = await openSseClients(port, '/stream', {}, clients);
  while (open.length < clients) await settle(20);
  const latencies: number[] = [];
  for (let round = 0; round < live_rounds; round += 1) {
    for (const client of sse) client.armed = true;
    const arrived = allArrived(sse, 30_000);
    const sent = performance.now();
    for (const res of open) res.write(`id: ${round + 1}\nevent: change\ndata: {"cursor":"${round + 1}","kind":"sale","id":"x"}\n\n`);
    await arrived;
    for (const client of sse) latencies.push(client.arrived - sent);
    await settle(50);
  }
  close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return latencies;
}

async function liveScenario(server: BenchServer, shop: SeededShop, token: string): Promise<Record<string, unknown>> {
  const head = await server.db.query<{ feed_seq: string }>('SELECT feed_seq::text AS feed_seq FROM businesses WHERE id = $1', [shop.business.business_id]);
  const { port } = new URL(server.url);
  const waitingBefore = server.t.app.feedWaiters.size;
  const { clients: sse, close } = await openSseClients(Number(port), `/v1/feed/stream?after=${head[0]?.feed_seq ?? '0'}`, { authorization: `Bearer ${token}` }, clients);
  try {
    for (let waited = 0; server.t.app.feedWaiters.size < waitingBefore + clients; waited += 50) {
      if (waited > 120_000) throw new Error(`only ${server.t.app.feedWaiters.size - waitingBefore} of ${clients} SSE streams are open`);
      await settle(50);
    }
    await settle(200);
    const latencies: number[] = [];
    const fromSent: number[] = [];
    let beforeAck = 0;
    for (let round = 0; round < live_rounds; round += 1) {
      server.t.clock.advance(1_000);
      const till = shop.tills[round % shop.tills.length];
      if (!till) throw new Error('no till');
      const event = till.sale(shop.products, 90_000 + round, 3, { kind: 'cash' }, server.t.clock.now(), till.cashiers[0]);
      const body = JSON.stringify({ till_id: till.till_id, epoch: 1, events: [event] });
      for (const client of sse) client.armed = true;
      const arrived = allArrived(sse, 30_000);
      const sent = performance.now();
      const res = await fetch(`${server.url}/v1/sync/push`, { method: 'POST', headers: { authorization: `Bearer ${till.device_token}`, 'content-type': 'application/json' }, body });
      const answer = await res.text();
      const acked = performance.now();
      if (res.status !== 200) throw new Error(`push answered ${res.status}: ${answer.slice(0, 300)}`);
      await arrived;
      for (const client of sse) {
        if (client.arrived < acked) beforeAck += 1;
        latencies.push(Math.max(0, client.arrived - acked));
        fromSent.push(client.arrived - sent);
      }
      await settle(100);
    }
    const base = latencySummary(await sseBaseline());
    const ours = latencySummary(latencies);
    const sorted = [...fromSent].sort((a, b) => a - b);
    return {
      clients,
      n: latencies.length,
      rounds: live_rounds,
      ...ours,
      before_ack: beforeAck,
      from_push_sent_p95_ms: percentile(sorted, 95),
      baseline: { note: 'a bare node:http SSE server writing one event to the same number of clients', ...base },
      ratio: round2(ours.p95_ms / Math.max(base.p95_ms, 0.01)),
      target_p95_ms: 250,
      meets_target: ours.p95_ms <= 250,
    };
  } finally {
    close();
  }
}

async function main(): Promise<void> {
  for (const target of benchDatabases()) {
    progress(`owner-dashboard ${target.name}: setting up`);
    const server = await startServer(target);
    try {
      server.t.clock.set(bench_now);
      const fsync = target.name === 'postgres' ? (await server.db.query<{ fsync: string }>('SHOW fsync'))[0]?.fsync === 'on' : undefined;
      const seedStarted = performance.now();
      const shop = await seedShop(server.t, lines_total, target.name);
      const seed_s = Math.round((performance.now() - seedStarted) / 1000);
      // Statistics as a running server has them: autovacuum on PostgreSQL; on PGlite, which has
      // none, the step payme-server serve runs at start and every hour (db/planner-statistics.ts).
      progress(`owner-dashboard ${target.name}: ANALYZE`);
      if (!(await refreshPlannerStatistics(server.db))) await server.db.exec('ANALYZE');
      const session = await login(server.t.app, shop.business.owner.email, shop.business.owner.password);
      const common = { bench: 'owner-dashboard', database: target.name, ...(fsync === undefined ? {} : { fsync }), lines: shop.lines, sales: shop.sales, days: 90, tills: 20, stores: 3, seed_s };
      for (const endpoint of endpoints(shop)) {
        if (!wanted(endpoint.scenario)) continue;
        if (process.env.BENCH_EXPLAIN === '1') {
          // BENCH_EXPLAIN=1: each endpoint's plan on stderr (profiling; timings then include it).
          const plan = await server.db.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${endpoint.sql}`, endpoint.params);
          progress(`owner-dashboard ${target.name} ${endpoint.scenario} plan:\n${plan.map((row) => Object.values(row)[0]).join('\n')}`);
        }
        progress(`owner-dashboard ${target.name} ${endpoint.scenario}: ${samples} requests and ${samples} direct SQL runs`);
        const measured = await measureEndpoint(server, server.db, session.token, endpoint);
        const ours = latencySummary(measured.http);
        const sql = latencySummary(measured.sql);
        const naive = latencySummary(measured.naive);
        const ratio = round2(ours.p95_ms / Math.max(sql.p95_ms, 0.01));
        const over = round2(ours.p95_ms - sql.p95_ms);
        process.stdout.write(
          `${JSON.stringify({
            ...common,
            scenario: endpoint.scenario,
            n: samples,
            ...ours,
            sql_p50_ms: sql.p50_ms,
            sql_p95_ms: sql.p95_ms,
            ratio,
            over_sql_ms: over,
            naive_p50_ms: naive.p50_ms,
            naive_p95_ms: naive.p95_ms,
            naive_n: naive_samples,
            baseline: { note: "the endpoint's own SQL run directly on the same database", ...sql },
            meets_target: ours.p95_ms <= 100 && (ratio <= 1.5 || over <= 5),
          })}\n`,
        );
      }
      if (wanted('live')) {
        progress(`owner-dashboard ${target.name} live: ${clients} SSE clients, ${live_rounds} pushes`);
        process.stdout.write(`${JSON.stringify({ ...common, scenario: 'live', ...(await liveScenario(server, shop, session.token)) })}\n`);
      }
    } finally {
      await server.close();
    }
  }
}

await main();
