/**
 * `npm run bench -- server-ingest` (issue 4): 100,000 sale events of 3 lines each pushed over real
 * HTTP in batches of 200 (500 batches, so that the p99 is not just the slowest few; issue 16), in
 * three scenarios: one till; 20 concurrent tills of one business (one audit chain: the worst
 * case); 20 tills of 20 businesses. Reported: events/s and batch latency.
 * Baseline, same run and same database: the same event rows inserted raw with a batched
 * `INSERT … SELECT FROM unnest(...)`, with the same concurrency. ratio = ingest rate / baseline rate.
 * tail_ratio = p99_ms / p50_ms, the tail's shape (fairness: some tills waiting behind others);
 * issue 16's targets: ratio ≥ 0.35, tail_ratio ≤ 2 × the baseline's, batches ≥ 500.
 * Scenario `live-1-event-pushes`: one sale per push, 20 tills of 20 businesses (see `scenarios`).
 * disk_bytes_per_event: what the pushes added on disk per event, by table group (docs/capacity.md).
 *
 * Scenario `rollups-on-off` (issue 13): what the report rollups cost the push. 4 tills of one
 * business push in rounds, every till one batch per round; the rounds alternate the rollup step
 * on and off (on, off, off, on, … so a drift of the machine's load falls on both alike) through the
 * benchmark-only switch `bench_skip_rollups`. rollups_ratio = events/s on ÷ events/s off.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Db } from '../src/db/db.js';
import { TillEvents, pushBody, type Envelope } from '../test/ingest-event-builder.js';
import { benchDatabases, benchTills, databaseFields, diskPerEvent, diskUse, rollupBytesPerRow, latencySummary, progress, startServer, type BenchServer, type BenchTill } from './ingest-bench-setup.js';

const events_total = Number(process.env.BENCH_EVENTS ?? 100_000);
const batch_events = 200;
const batches_min = 500;

const live_events = Number(process.env.BENCH_LIVE_EVENTS ?? 2_000);

/**
 * The three of issue 16's acceptance, and `live-1-event-pushes` (docs/capacity.md): 20 tills of
 * 20 businesses each pushing one sale at a time back to back, as a till keeping up pushes each sale
 * it makes, so its events/s is the pushes a second one server answers at its peak.
 */
const scenarios = [
  { scenario: '1-till', businesses: 1, tills: 1, events: events_total, batch: batch_events, judged: true },
  { scenario: '20-tills-1-business', businesses: 1, tills: 20, events: events_total, batch: batch_events, judged: true },
  { scenario: '20-tills-20-businesses', businesses: 20, tills: 20, events: events_total, batch: batch_events, judged: true },
  { scenario: 'live-1-event-pushes', businesses: 20, tills: 20, events: live_events, batch: 1, judged: false },
] as const;

interface Stream {
  till: BenchTill;
  batches: Envelope[][];
}

function buildStreams(tills: readonly BenchTill[], seed: number, events_total: number, batch_events = 200): Stream[] {
  const perTill = Math.ceil(events_total / tills.length);
  return tills.map((till, index) => {
    const builder = new TillEvents(till.till_id, till.business.cashier.id, seed + index, till.receipt_prefix);
    const [sugar, rice, flour] = till.business.products;
    const events = Array.from({ length: Math.min(perTill, events_total - index * perTill) }, (_, i) =>
      builder.sale([[sugar!, 1 + (i % 3)], [rice!, 250 + (i % 5) * 50], [flour!, 1]]),
    );
    const batches: Envelope[][] = [];
    for (let i = 0; i < events.length; i += batch_events) batches.push(events.slice(i, i + batch_events));
    return { till, batches };
  });
}

async function pushAll(server: BenchServer, streams: readonly Stream[]): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const bodies = streams.map((stream) => stream.batches.map((batch) => JSON.stringify(pushBody(stream.till.till_id, batch))));
  const started = performance.now();
  await Promise.all(
    streams.map(async (stream, s) => {
      for (const body of bodies[s] as string[]) {
        const sent = performance.now();
        const res = await fetch(`${server.url}/v1/sync/push`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stream.till.device_token}`, 'content-type': 'application/json' },
          body,
        });
        const answer = await res.text();
        if (res.status !== 200) throw new Error(`push answered ${res.status}: ${answer.slice(0, 300)}`);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies };
}

/** The same event rows, inserted raw in batches with unnest, with the same concurrency. */
async function baselineInsert(db: Db, streams: readonly Stream[], table: string): Promise<{ seconds: number; latencies: number[] }> {
  await db.exec(`CREATE TABLE ${table} (LIKE till_events INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const receivedAt = new Date(Date.UTC(2026, 10, 26, 9)).toISOString();
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    streams.map(async (stream) => {
      for (const batch of stream.batches) {
        const sent = performance.now();
        await db.query(
          `INSERT INTO ${table} (business_id, till_id, seq, event_id, type, v, epoch, prev_hash, hash, status, envelope, received_at)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[],
                                $10::text[], $11::jsonb[], $12::timestamptz[])`,
          [
            batch.map(() => stream.till.business.business_id),
            batch.map(() => stream.till.till_id),
            batch.map((event) => event.seq),
            batch.map((event) => event.event_id),
            batch.map((event) => event['type']),
            batch.map(() => 1),
            batch.map(() => 1),
            batch.map((event) => event.prev_hash),
            batch.map((event) => event.hash),
            batch.map(() => 'applied'),
            batch.map((event) => JSON.stringify(event)),
            batch.map(() => receivedAt),
          ],
        );
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies };
}

const rollup_tills = Number(process.env.BENCH_ROLLUP_TILLS ?? 4);
const rollup_events = Number(process.env.BENCH_ROLLUP_EVENTS ?? 10_000);

/** Rounds of one batch per till, alternating the rollup step on and off (ABBA order). */
async function rollupsOnOff(server: BenchServer, streams: readonly Stream[]): Promise<{ on: { events: number; seconds: number; latencies: number[] }; off: { events: number; seconds: number; latencies: number[] }; folded: number }> {
  const totals = { on: { events: 0, seconds: 0, latencies: [] as number[] }, off: { events: 0, seconds: 0, latencies: [] as number[] }, folded: 0 };
  const rounds = Math.max(...streams.map((stream) => stream.batches.length));
  const config = server.t.deps.config;
  for (let round = 0; round < rounds; round += 1) {
    // Rounds 0 and 1 warm the server up (one of each) and are not counted.
    const mode = [0, 3].includes((round + 2) % 4) ? 'on' : 'off';
    config.bench_skip_rollups = mode === 'off';
    const batch = streams.map((stream) => ({ ...stream, batches: stream.batches.slice(round, round + 1) }));
    const pushed = await pushAll(server, batch);
    const events = batch.reduce((sum, stream) => sum + (stream.batches[0]?.length ?? 0), 0);
    if (mode === 'on') totals.folded += events;
    if (round < 2) continue;
    totals[mode].events += events;
    totals[mode].seconds += pushed.seconds;
    totals[mode].latencies.push(...pushed.latencies);
  }
  config.bench_skip_rollups = false;
  return totals;
}

async function rollupsScenario(target: ReturnType<typeof benchDatabases>[number]): Promise<void> {
  progress(`server-ingest ${target.name} rollups-on-off: setting up`);
  const server = await startServer(target);
  try {
    const streams = buildStreams(await benchTills(server.t, 1, rollup_tills), 9_000, rollup_events);
    const { on, off, folded: foldedEvents } = await rollupsOnOff(server, streams);
    const folded = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM till_events WHERE rolled_up');
    if (Number(folded[0]?.n) !== foldedEvents) throw new Error(`expected ${foldedEvents} events folded, found ${folded[0]?.n}`);
    const onRate = on.events / on.seconds;
    const offRate = off.events / off.seconds;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'server-ingest',
        scenario: 'rollups-on-off',
        ...(await databaseFields(target, server.db)),
        n: on.events + off.events,
        batch_events,
        tills: rollup_tills,
        businesses: 1,
        ...latencySummary(on.latencies),
        ops_per_s: Math.round(onRate),
        baseline: { note: 'the same pushes with the rollup step off', ...latencySummary(off.latencies), ops_per_s: Math.round(offRate) },
        ratio: Math.round((onRate / offRate) * 1000) / 1000,
        rollups_ratio: Math.round((onRate / offRate) * 1000) / 1000,
      })}\n`,
    );
  } finally {
    await server.close();
  }
}

/** p99 ÷ p50: the tail's shape, whatever the speed. */
function tailRatio(summary: { p50_ms: number; p99_ms: number }): number {
  return Math.round((summary.p99_ms / Math.max(0.01, summary.p50_ms)) * 100) / 100;
}

async function main(): Promise<void> {
  for (const target of benchDatabases()) {
    if (!process.env.BENCH_SCENARIO || process.env.BENCH_SCENARIO === 'rollups-on-off') await rollupsScenario(target);
    for (const [index, { scenario, businesses, tills, events, batch, judged }] of scenarios.entries()) {
      // BENCH_SCENARIO=<name> runs one scenario only (a quicker look while tuning).
      if (process.env.BENCH_SCENARIO && process.env.BENCH_SCENARIO !== scenario) continue;
      progress(`server-ingest ${target.name} ${scenario}: setting up`);
      const server = await startServer(target);
      try {
        const streams = buildStreams(await benchTills(server.t, businesses, tills), 1_000 * (index + 1), events, batch);
        const n = streams.reduce((total, stream) => total + stream.batches.reduce((sum, batch) => sum + batch.length, 0), 0);
        const batches = streams.reduce((total, stream) => total + stream.batches.length, 0);
        progress(`server-ingest ${target.name} ${scenario}: pushing ${n} events in ${batches} batches`);
        const diskBefore = await diskUse(server.db);
        const ingest = await pushAll(server, streams);
        const disk = diskPerEvent(diskBefore, await diskUse(server.db), n);
        const applied = await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sales`);
        if (Number(applied[0]?.n) !== n) throw new Error(`expected ${n} sales, found ${applied[0]?.n}`);
        progress(`server-ingest ${target.name} ${scenario}: baseline`);
        const baseline = await baselineInsert(server.db, streams, `bench_baseline_${index}`);
        const ops = n / ingest.seconds;
        const baselineOps = n / baseline.seconds;
        const ingestSummary = latencySummary(ingest.latencies);
        const baselineSummary = latencySummary(baseline.latencies);
        const ratio = Math.round((ops / baselineOps) * 1000) / 1000;
        const tail = tailRatio(ingestSummary);
        const baselineTail = tailRatio(baselineSummary);
        process.stdout.write(
          `${JSON.stringify({
            bench: 'server-ingest',
            scenario,
            ...(await databaseFields(target, server.db)),
            n,
            batch_events: batch,
            batches,
            tills,
            businesses,
            ...ingestSummary,
            tail_ratio: tail,
            ops_per_s: Math.round(ops),
            baseline: { ...baselineSummary, tail_ratio: baselineTail, ops_per_s: Math.round(baselineOps) },
            ratio,
            disk_bytes_per_event: disk,
            rollup_bytes_per_row: await rollupBytesPerRow(server.db),
            ...(judged
              ? { targets: { ratio_min: 0.35, tail_ratio_max: Math.round(2 * baselineTail * 100) / 100, batches_min }, met: ratio >= 0.35 && tail <= 2 * baselineTail && batches >= batches_min }
              : {}),
            load_avg_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
          })}\n`,
        );
      } finally {
        await server.close();
      }
    }
  }
}

await main();
