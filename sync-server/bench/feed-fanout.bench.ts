/**
 * `npm run bench -- feed-fanout` (issue 4): 500 long-poll clients of one business wait on
 * `GET /v1/sync/pull?wait=30`; one push lands; how long until each client has its response
 * (p50/p95/p99 from the push being sent). Baseline, same run: a bare node:http long-poll server
 * holding the same 500 clients and answering them all when triggered. ratio = p99 / baseline p99.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TillEvents, pushBody } from '../test/ingest-event-builder.js';
import { benchDatabases, benchTills, latencySummary, progress, startServer } from './ingest-bench-setup.js';

const clients = Number(process.env.BENCH_CLIENTS ?? 500);

/** Sends `clients` GETs on their own connections; resolves each with its completion time. */
function openClients(port: number, path: string, headers: Record<string, string>): { done: Promise<number[]>; returnedEarly: () => number } {
  const agent = new Agent({ keepAlive: true, maxSockets: clients + 10 });
  let early = 0;
  let released = false;
  const done = Promise.all(
    Array.from(
      { length: clients },
      () =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent }, (res: IncomingMessage) => {
            res.resume();
            res.on('end', () => {
              if (!released) early += 1;
              if (res.statusCode !== 200) reject(new Error(`client answered ${res.statusCode}`));
              else resolve(performance.now());
            });
          });
          req.on('error', reject);
          req.end();
        }),
    ),
  ).finally(() => agent.destroy());
  return {
    done,
    returnedEarly: () => {
      released = true;
      return early;
    },
  };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function baseline(): Promise<number[]> {
  const waiting: ServerResponse[] = [];
  const body = JSON.stringify({ changes: [{ cursor: '1', kind: 'stock_level', id: 'x', data: { on_hand: 1 } }], cursor: '1', acked_seq: 1 });
  const server = createServer((_req, res) => {
    waiting.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const polls = openClients(port, '/poll', {});
  while (waiting.length < clients) await settle(50);
  polls.returnedEarly();
  const released = performance.now();
  for (const res of waiting.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  const latencies = (await polls.done).map((at) => at - released);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return latencies;
}

async function main(): Promise<void> {
  for (const target of benchDatabases()) {
    progress(`feed-fanout ${target.name}: setting up`);
    const server = await startServer(target);
    try {
      const [till] = await benchTills(server.t, 1, 1);
      if (!till) throw new Error('no till');
      const headers = { authorization: `Bearer ${till.device_token}` };
      const first = (await (await fetch(`${server.url}/v1/sync/pull?after=0`, { headers })).json()) as { cursor: string };
      const { port } = new URL(server.url);
      const polls = openClients(Number(port), `/v1/sync/pull?after=${first.cursor}&wait=30`, headers);
      // Wait until the server holds every client as a parked long-poll.
      for (let waited = 0; server.t.app.feedWaiters.size < clients; waited += 50) {
        if (waited > 120_000) throw new Error(`only ${server.t.app.feedWaiters.size} of ${clients} clients are waiting`);
        await settle(50);
      }
      const events = new TillEvents(till.till_id, till.business.cashier.id, 7, till.receipt_prefix);
      const sale = events.sale([[till.business.products[0]!, 1]]);
      progress(`feed-fanout ${target.name}: pushing to ${clients} waiting clients`);
      const pushed = performance.now();
      const early = polls.returnedEarly();
      if (early > 0) throw new Error(`${early} long-polls returned before the push`);
      const res = await fetch(`${server.url}/v1/sync/push`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(pushBody(till.till_id, [sale])),
      });
      if (res.status !== 200) throw new Error(`push answered ${res.status}: ${await res.text()}`);
      const latencies = (await polls.done).map((at) => at - pushed);
      const base = await baseline();
      const ours = latencySummary(latencies);
      const theirs = latencySummary(base);
      process.stdout.write(
        `${JSON.stringify({
          bench: 'feed-fanout',
          scenario: `${clients}-long-polls`,
          database: target.name,
          n: clients,
          ...ours,
          baseline: theirs,
          ratio: Math.round((ours.p99_ms / Math.max(theirs.p99_ms, 0.01)) * 100) / 100,
        })}\n`,
      );
    } finally {
      await server.close();
    }
  }
}

await main();
