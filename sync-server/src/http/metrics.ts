/**
 * Prometheus metrics at `GET /metrics` (DESIGN §13, prom-client). One registry per app, so two
 * apps in one process (tests) keep their own counts.
 *
 * Access: a request that sends `Authorization: Bearer <token>` must send the metrics token
 * (`config.metrics_token`, `PAYME_METRICS_TOKEN`); one that sends none is served only when it is a
 * direct loopback request: from 127.0.0.0/8 or ::1 with no forwarding header at all. A request
 * that came through the reverse proxy carries `X-Forwarded-For` (or `Forwarded`), so it is never
 * loopback, even when the proxy runs on the same machine.
 *
 * What is measured in this process (histograms, per instance): push latency, the acknowledgement
 * latency of Daraja callbacks, and event-loop delay (all three Prometheus histograms). What is read from the database at scrape
 * time (the same from every instance on one PostgreSQL): sync lag, outbox depth and feed lag per
 * till, open quarantined events, pending M-Pesa payments, unprocessed callbacks, and the audit
 * chain length per business.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { sameSecret } from '../auth/principal.js';
import type { ServerDeps } from '../deps.js';
import { unauthorized } from './errors.js';
import { pacingClock } from '../pacing-clock.js';

/** Headers a proxy adds; any of them means the request did not come straight from this machine. */
const forwarding_headers = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip'] as const;

/** True for a request from this machine's loopback address that no proxy relayed. */
export function isDirectLoopback(request: FastifyRequest): boolean {
  if (forwarding_headers.some((name) => request.headers[name] !== undefined)) return false;
  // The socket's peer, never request.ip (which trust_proxy may take from a forwarded header).
  const peer = request.raw.socket?.remoteAddress ?? '';
  return peer === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(peer);
}

/** Pending payment states: asked of Daraja, or its answer not yet known. */
const pending_payment_states = ['created', 'requested', 'unknown'] as const;

/**
 * Event-loop delay, sampled once per process: a timer due every `sample_ms` measures how late it
 * fired (pacing clock) and hands the delay to every app's histogram. Node's monitorEventLoopDelay
 * loses the interval in progress when it is reset, so a stall right after a scrape went unseen.
 */
const sample_ms = 100;
const loopListeners = new Set<(seconds: number) => void>();
let sampler: NodeJS.Timeout | null = null;

function onEventLoopDelay(listener: (seconds: number) => void): () => void {
  loopListeners.add(listener);
  if (!sampler) {
    let last = pacingClock.now();
    sampler = setInterval(() => {
      const now = pacingClock.now();
      const delay = Math.max(0, now - last - sample_ms) / 1000;
      last = now;
      for (const each of loopListeners) each(delay);
    }, sample_ms);
    sampler.unref();
  }
  return () => {
    loopListeners.delete(listener);
    if (loopListeners.size === 0 && sampler) {
      clearInterval(sampler);
      sampler = null;
    }
  };
}

export interface MetricsOptions {
  /** Node's process metrics too (memory, CPU, handles, GC): `serve` turns them on. */
  processMetrics?: boolean;
}

export async function registerMetrics(app: FastifyInstance, deps: ServerDeps, options: MetricsOptions = {}): Promise<void> {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const push = new Histogram({
    name: 'payme_push_duration_seconds',
    help: 'Time to answer POST /v1/sync/push, by HTTP status',
    labelNames: ['status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const callback = new Histogram({
    name: 'payme_mpesa_callback_duration_seconds',
    help: "Time to acknowledge a Daraja callback (Daraja gives up after a few seconds), by callback route and HTTP status",
    labelNames: ['route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  app.addHook('onResponse', async (request, reply) => {
    const url = request.routeOptions.url;
    if (url === '/v1/sync/push') push.observe({ status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    else if (url?.startsWith('/v1/mpesa/:secret/')) callback.observe({ route: url.slice('/v1/mpesa/:secret/'.length), status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  const loop = new Histogram({
    name: 'payme_event_loop_delay_seconds',
    help: `How late a timer due every ${sample_ms} ms fired: event-loop delay, one sample every ${sample_ms} ms`,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const stopSampling = onEventLoopDelay((seconds) => loop.observe(seconds));
  app.addHook('onClose', async () => stopSampling());

  const db = deps.db;
  // The registry collects the three per-till gauges together; one query fills all three.
  const tillGauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['business_id', 'till_id'], registers, collect: () => collectTills() });
  const lag = tillGauge('payme_till_sync_lag_seconds', 'Seconds since the till last pushed or pulled (tills not retired)');
  const outbox = tillGauge('payme_till_outbox_depth', 'Events the till last said were waiting in its outbox');
  const feedLag = tillGauge('payme_till_feed_lag_changes', "Feed changes of the till's business it has not pulled yet");
  let loading: Promise<void> | null = null;
  const loadTills = async (): Promise<void> => {
    const now = deps.clock.now();
    const rows = await db.query<{ business_id: string; till_id: string; seen_at: Date; outbox_depth: number | null; feed_lag: number }>(
      `SELECT t.business_id::text AS business_id, t.id::text AS till_id, greatest(t.last_push_at, t.last_pull_at, t.created_at) AS seen_at,
              t.outbox_depth, greatest(b.feed_seq - coalesce(t.feed_seq, 0), 0) AS feed_lag
         FROM tills t JOIN businesses b ON b.id = t.business_id
        WHERE t.retired_at IS NULL`,
    );
    lag.reset();
    outbox.reset();
    feedLag.reset();
    for (const row of rows) {
      const labels = { business_id: row.business_id, till_id: row.till_id };
      lag.set(labels, Math.max(0, (now - new Date(row.seen_at).getTime()) / 1000));
      if (row.outbox_depth !== null) outbox.set(labels, Number(row.outbox_depth));
      feedLag.set(labels, Number(row.feed_lag));
    }
  };
  const collectTills = (): Promise<void> => {
    loading ??= loadTills().finally(() => {
      loading = null;
    });
    return loading;
  };

  new Gauge({
    name: 'payme_quarantined_events',
    help: 'Quarantined till events not yet replayed, per business',
    labelNames: ['business_id'],
    registers,
    async collect() {
      this.reset();
      const rows = await db.query<{ business_id: string; open: number }>(
        `SELECT business_id::text AS business_id, count(*)::int AS open FROM quarantined_events WHERE replayed_at IS NULL GROUP BY business_id`,
      );
      for (const row of rows) this.set({ business_id: row.business_id }, row.open);
    },
  });
  new Gauge({
    name: 'payme_mpesa_payments_pending',
    help: 'M-Pesa payments asked of Daraja whose outcome is not known yet, by state',
    labelNames: ['state'],
    registers,
    async collect() {
      this.reset();
      for (const state of pending_payment_states) this.set({ state }, 0);
      const rows = await db.query<{ state: string; pending: number }>(
        `SELECT state, count(*)::int AS pending FROM payments WHERE state = ANY($1::text[]) GROUP BY state`,
        [pending_payment_states],
      );
      for (const row of rows) this.set({ state: row.state }, row.pending);
    },
  });
  new Gauge({
    name: 'payme_mpesa_callbacks_unprocessed',
    help: 'Daraja callbacks acknowledged and stored but not yet processed',
    registers,
    async collect() {
      const [row] = await db.query<{ waiting: number }>('SELECT count(*)::int AS waiting FROM mpesa_callbacks WHERE processed_at IS NULL');
      this.set(row?.waiting ?? 0);
    },
  });
  new Gauge({
    name: 'payme_audit_chain_length',
    help: "Entries in each business's audit chain (its last sequence number)",
    labelNames: ['business_id'],
    registers,
    async collect() {
      this.reset();
      const rows = await db.query<{ business_id: string; length: number }>('SELECT id::text AS business_id, audit_seq AS length FROM businesses');
      for (const row of rows) this.set({ business_id: row.business_id }, Number(row.length));
    },
  });

  const token = deps.config.metrics_token;
  app.get('/metrics', { config: { access: 'public' } }, async (request, reply) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const sent = /^Bearer (\S+)$/.exec(header)?.[1];
      if (token === null || sent === undefined || !sameSecret(sent, token)) {
        throw unauthorized('invalid_token', 'That is not the metrics token (PAYME_METRICS_TOKEN); send it as "Authorization: Bearer <token>"');
      }
    } else if (!isDirectLoopback(request)) {
      throw unauthorized(
        'unauthenticated',
        token === null
          ? 'Metrics are served only to direct loopback requests: set PAYME_METRICS_TOKEN on the server to scrape from elsewhere'
          : 'Send the metrics token as "Authorization: Bearer <token>" (only direct loopback requests need none)',
      );
    }
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(text);
  });
}
