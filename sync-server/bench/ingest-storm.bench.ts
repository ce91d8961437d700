/**
 * `npm run bench -- ingest-storm` (issue 16): the morning after a town-wide cut. 20 tills come back
 * with a 5,000-event backlog each and push it as the till's agent does (batches adapting to the
 * answers, 429s honoured); meanwhile 20 other tills sell one sale a second each, and Daraja sends 20
 * STK callbacks a second (the account trusts its callback path, so each is credited in the server
 * as it is processed). 10 businesses, each with 2 backlog tills and 2 live tills; the callbacks are
 * for one of them. The load runs in a worker thread (ingest-storm.worker.mjs).
 *
 * One line per database. `live.p99_ms`: a live sale's push answered, 429 retries included;
 * `callbacks.p99_ms`: a callback acknowledged; `backlog.max_batch_wait_ms`: a backlog batch from its
 * first attempt to its 200, 429 retries included; `stored_once`: every event pushed is stored once
 * and applied, and every sale is there once (counted in the database). Targets: live p99 ≤ 250 ms
 * on PostgreSQL, ≤ 500 on PGlite; callbacks p99 ≤ 50; max batch wait ≤ 10,000; stored_once.
 * No baseline: the targets are absolute (what a shop feels).
 *
 * Smaller runs: BENCH_STORM_EVENTS (backlog per till, default 5000), BENCH_STORM_TILLS (backlog
 * tills and live tills each, default 20), BENCH_DATABASE=pglite|postgres.
 */
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { isoAt, uuidv7 } from '@payme/shared';
import type { Db } from '../src/db/db.js';
import { saveMpesaAccount } from '../src/mpesa/mpesa-account.js';
import { TillEvents, type Envelope } from '../test/ingest-event-builder.js';
import { benchDatabases, benchTills, databaseFields, latencySummary, progress, startServer, type BenchServer, type BenchTill } from './ingest-bench-setup.js';

const backlog_events = Number(process.env.BENCH_STORM_EVENTS ?? 5_000);
const tills_per_kind = Number(process.env.BENCH_STORM_TILLS ?? 20);
const businesses = Math.max(1, Math.floor(tills_per_kind / 2));
const callbacks_per_s = 20;
/** Live sales built per live till: enough for a run of this many seconds. */
const live_seconds_max = 900;

interface WorkerTill {
  till_id: string;
  device_token: string;
  /** Each envelope as JSON text, so the worker joins them into bodies without re-serialising. */
  events: string[];
}

function saleEvents(till: BenchTill, count: number, seed: number): string[] {
  const builder = new TillEvents(till.till_id, till.business.cashier.id, seed, till.receipt_prefix);
  const [sugar, rice, flour] = till.business.products;
  return Array.from({ length: count }, (_, i) => JSON.stringify(builder.sale([[sugar!, 1 + (i % 3)], [rice!, 250 + (i % 5) * 50], [flour!, 1]]) satisfies Envelope));
}

/** Requested payments of one business and their success callbacks (the account trusts its path). */
async function callbackBodies(server: BenchServer, business_id: string, count: number): Promise<{ url: string; bodies: string[] }> {
  const { deps } = server.t;
  const keyring = server.t.app.mpesa?.keyring;
  if (!keyring) throw new Error('ingest-storm needs the M-Pesa routes (buildTestApp mpesa: true)');
  const { callback_secret } = await deps.db.transaction((tx) =>
    saveMpesaAccount(tx, { keyring, random: deps.random, clock: deps.clock }, business_id, { base_url: 'http://127.0.0.1:9', kind: 'till', business_shortcode: '174379', till_number: '600100', callback_base_url: server.url }, { consumer_key: 'k', consumer_secret: 's', passkey: 'p' }),
  );
  await deps.db.query('UPDATE mpesa_credentials SET trust_callbacks = true WHERE business_id = $1', [business_id]);
  const bodies: string[] = [];
  await deps.db.transaction(async (tx) => {
    for (let i = 0; i < count; i += 1) {
      const checkout = `ws_CO_storm_${i}`;
      const phone = `2547${String(10_000_000 + i).slice(-8)}`;
      await tx.query(
        `INSERT INTO payments (business_id, payment_id, request_hash, phone, amount_cents, state, merchant_request_id, checkout_request_id, created_at, updated_at)
         VALUES ($1, $2, 'bench', $3, 10000, 'requested', $4, $5, $6, $6)`,
        [business_id, uuidv7(deps.clock, deps.random), phone, `storm-${i}`, checkout, isoAt(deps.clock.now())],
      );
      const items = [{ Name: 'Amount', Value: 100 }, { Name: 'MpesaReceiptNumber', Value: `STM${String(i).padStart(7, '0')}` }, { Name: 'TransactionDate', Value: 20261126090000 }, { Name: 'PhoneNumber', Value: Number(phone) }];
      bodies.push(JSON.stringify({ Body: { stkCallback: { MerchantRequestID: `storm-${i}`, CheckoutRequestID: checkout, ResultCode: 0, ResultDesc: 'The service request is processed successfully.', CallbackMetadata: { Item: items } } } }));
    }
  });
  return { url: `${server.url}/v1/mpesa/${callback_secret}/stk`, bodies };
}

interface StormResult {
  failure: string | null;
  backlog_s: number;
  backlog_waits: number[];
  backlog_sizes: number[];
  backlog_batches: number;
  backlog_429: number;
  live_latencies: number[];
  live_pushed: number;
  live_429: number;
  callback_latencies: number[];
}

function runLoad(job: Record<string, unknown>): Promise<StormResult> {
  const worker = new Worker(new URL('./ingest-storm.worker.mjs', import.meta.url));
  return new Promise<StormResult>((resolve, reject) => {
    worker.once('message', (result: StormResult) => resolve(result));
    worker.once('error', reject);
    worker.postMessage(job);
  }).finally(() => void worker.terminate());
}

/** Every event pushed stored once and applied; every sale once; the live and backlog counts add up. */
async function storedOnce(db: Db, expectedEvents: number): Promise<{ stored_once: boolean; events: number; sales: number }> {
  const rows = await db.query<{ events: number; distinct_ids: number; applied: number; sales: number }>(
    `SELECT (SELECT count(*)::int FROM till_events) AS events,
            (SELECT count(DISTINCT event_id)::int FROM till_events) AS distinct_ids,
            (SELECT count(*)::int FROM till_events WHERE status = 'applied') AS applied,
            (SELECT count(*)::int FROM sales) AS sales`,
  );
  const row = rows[0]!;
  const once = row.events === expectedEvents && row.distinct_ids === expectedEvents && row.applied === expectedEvents && row.sales === expectedEvents;
  return { stored_once: once, events: row.events, sales: row.sales };
}

async function storm(target: ReturnType<typeof benchDatabases>[number]): Promise<void> {
  progress(`ingest-storm ${target.name}: setting up ${businesses} businesses, ${tills_per_kind} backlog and ${tills_per_kind} live tills`);
  const server = await startServer(target, { mpesa: true });
  try {
    const tills = await benchTills(server.t, businesses, 2 * tills_per_kind);
    const backlog = tills.slice(0, tills_per_kind);
    const live = tills.slice(tills_per_kind);
    progress(`ingest-storm ${target.name}: building ${backlog.length * backlog_events} backlog events`);
    const toWorker = (till: BenchTill, count: number, seed: number): WorkerTill => ({ till_id: till.till_id, device_token: till.device_token, events: saleEvents(till, count, seed) });
    const job = {
      url: server.url,
      backlog: backlog.map((till, i) => toWorker(till, backlog_events, 100 + i)),
      live: live.map((till, i) => toWorker(till, live_seconds_max, 500 + i)),
      callbacks_per_s,
      ...(await callbackBodies(server, backlog[0]!.business.business_id, callbacks_per_s * live_seconds_max).then(({ url, bodies }) => ({ callback_url: url, callback_bodies: bodies }))),
    };
    progress(`ingest-storm ${target.name}: storm`);
    const result = await runLoad(job);
    if (result.failure !== null) throw new Error(result.failure);
    await server.t.app.mpesa?.drain();
    const expected = backlog.length * backlog_events + result.live_pushed;
    const counted = await storedOnce(server.db, expected);
    const credited = await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE state = 'succeeded'`);
    const waits = [...result.backlog_waits].sort((a, b) => a - b);
    const sizes = [...result.backlog_sizes].sort((a, b) => a - b);
    const live_summary = latencySummary(result.live_latencies);
    const callback_summary = latencySummary(result.callback_latencies);
    const max_batch_wait_ms = Math.round(waits.at(-1) ?? 0);
    const live_p99_max = target.name === 'postgres' ? 250 : 500;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'ingest-storm',
        scenario: `${tills_per_kind}-backlog-${backlog_events}-${tills_per_kind}-live-${callbacks_per_s}-callbacks-per-s`,
        ...(await databaseFields(target, server.db)),
        n: expected,
        businesses,
        live: { ...live_summary, n: result.live_latencies.length, answered_429: result.live_429 },
        callbacks: { ...callback_summary, n: result.callback_latencies.length, credited: credited[0]?.n ?? 0 },
        backlog: {
          events_per_s: Math.round((backlog.length * backlog_events) / result.backlog_s),
          seconds: Math.round(result.backlog_s * 10) / 10,
          batches: result.backlog_batches,
          answered_429: result.backlog_429,
          max_batch_wait_ms,
          ...Object.fromEntries(Object.entries(latencySummary(waits)).map(([key, value]) => [`wait_${key}`, value])),
          batch_events_p50: sizes[Math.floor(sizes.length / 2)] ?? 0,
        },
        stored_once: counted.stored_once,
        p99_ms: live_summary.p99_ms,
        targets: { live_p99_ms_max: live_p99_max, callbacks_p99_ms_max: 50, max_batch_wait_ms_max: 10_000 },
        met: live_summary.p99_ms <= live_p99_max && callback_summary.p99_ms <= 50 && max_batch_wait_ms <= 10_000 && counted.stored_once,
        load_avg_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      })}\n`,
    );
  } finally {
    await server.close();
  }
}

for (const target of benchDatabases()) await storm(target);
