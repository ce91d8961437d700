/**
 * The mpesa-callback benchmark's load generator, in its own thread: Daraja is a remote client,
 * so its request building and response handling must not run on the server's event loop (where
 * PGlite also runs) and be counted as the server's acknowledgement latency. For each message
 * `{url, bodies, concurrency, warm_path}` it opens `concurrency` connections, sends one GET
 * `warm_path` on each (that connection's opening request), then posts every body once, in order,
 * with `concurrency` requests in flight on those same connections, and answers with each body's
 * latency and, separately, each opening request's latency. The thread stays up between runs, so
 * only the first (warm-up) run pays for its start and JIT.
 *
 * Why the opening request: Node accepts one new connection per turn of its event loop, so on a
 * busy server the 50th of 50 fresh connections waits some 50 turns (300–500 ms here) before its
 * first request is even read. A production server sits behind the TLS-terminating proxy Daraja's
 * https callback URLs require, which keeps its upstream connections open; the acknowledgement
 * latency is measured on open connections, and the opening wait is reported beside it.
 *
 * autocannon drives the sockets: with fetch (undici) this thread spent about 2 ms a request, so
 * at concurrency 50 the generator, not the server, set the latency it reported.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

function run({ url, bodies, concurrency, warm_path }) {
  if (bodies.length % concurrency !== 0) {
    return Promise.resolve({ latencies: [], opening: [], wall_ms: 0, failure: `${bodies.length} bodies do not split evenly over ${concurrency} connections` });
  }
  const perConnection = bodies.length / concurrency;
  return new Promise((resolve) => {
    const latencies = [];
    const opening = [];
    const opened = new WeakSet();
    let next = 0;
    let started = 0;
    let ended = 0;
    const measured = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        if (next === 0) started = performance.now();
        return { ...request, body: bodies[next++] };
      },
    };
    // autocannon gives each connection `amount / connections` requests and walks this list once
    // per connection: the opening request first, then that connection's share of the bodies.
    const requests = [{ method: 'GET', path: warm_path }, ...Array.from({ length: perConnection }, () => measured)];
    const instance = autocannon(
      { url, connections: concurrency, amount: bodies.length + concurrency, timeout: 30, requests },
      (error, result) => {
        let failure = null;
        if (error) failure = String(error);
        else if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) failure = `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`;
        else if (latencies.length !== bodies.length) failure = `${latencies.length} answers for ${bodies.length} callbacks`;
        else if (opening.length !== concurrency) failure = `${opening.length} opening requests for ${concurrency} connections`;
        resolve({ latencies, opening, wall_ms: ended - started, failure });
      },
    );
    instance.on('response', (client, _status, _bytes, responseTime) => {
      // One request in flight per connection, so a connection's first answer is its opening one.
      if (!opened.has(client)) {
        opened.add(client);
        opening.push(responseTime);
        return;
      }
      latencies.push(responseTime);
      ended = performance.now();
    });
  });
}

parentPort.on('message', (job) => {
  run(job).then(
    (result) => parentPort.postMessage(result),
    (error) => parentPort.postMessage({ latencies: [], opening: [], wall_ms: 0, failure: String(error) }),
  );
});
