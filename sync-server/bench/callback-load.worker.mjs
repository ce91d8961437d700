/**
 * The mpesa-callback benchmark's load generator, in its own thread: Daraja is a remote client,
 * so its request building and response handling must not run on the server's event loop (where
 * PGlite also runs) and be counted as the server's acknowledgement latency. For each message
 * `{url, bodies, concurrency}` it posts every body once, in order, with `concurrency` requests
 * in flight, and answers with each request's latency. The thread stays up between runs, so
 * only the first (warm-up) run pays for its start and JIT.
 *
 * autocannon drives the sockets: with fetch (undici) this thread spent about 2 ms a request, so
 * at concurrency 50 the generator, not the server, set the latency it reported.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

function run({ url, bodies, concurrency }) {
  return new Promise((resolve) => {
    const latencies = [];
    let next = 0;
    let started = 0;
    let ended = 0;
    const instance = autocannon(
      {
        url,
        connections: concurrency,
        amount: bodies.length,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              if (next === 0) started = performance.now();
              return { ...request, body: bodies[next++ % bodies.length] };
            },
          },
        ],
      },
      (error, result) => {
        let failure = null;
        if (error) failure = String(error);
        else if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) failure = `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`;
        else if (latencies.length !== bodies.length) failure = `${latencies.length} answers for ${bodies.length} callbacks`;
        resolve({ latencies, wall_ms: ended - started, failure });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      ended = performance.now();
    });
  });
}

parentPort.on('message', (job) => {
  run(job).then(
    (result) => parentPort.postMessage(result),
    (error) => parentPort.postMessage({ latencies: [], wall_ms: 0, failure: String(error) }),
  );
});
