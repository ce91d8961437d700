/**
 * The mpesa-callback benchmark's load generator, in its own thread: Daraja is a remote client,
 * so its request building and response handling must not run on the server's event loop (where
 * PGlite also runs) and be counted as the server's acknowledgement latency. Posts `bodies` to
 * `url` with `concurrency` requests in flight and reports each request's latency.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

const { url, bodies, concurrency } = workerData;
const latencies = new Array(bodies.length);
let next = 0;
let failure = null;

async function worker() {
  for (;;) {
    const i = next++;
    if (i >= bodies.length || failure !== null) return;
    const t0 = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] });
    await response.arrayBuffer();
    latencies[i] = performance.now() - t0;
    if (response.status !== 200) failure = `callback ${i} answered ${response.status}`;
  }
}

const started = performance.now();
Promise.all(Array.from({ length: concurrency }, worker)).then(
  () => parentPort.postMessage({ latencies, wall_ms: performance.now() - started, failure }),
  (error) => parentPort.postMessage({ latencies: [], wall_ms: 0, failure: String(error) }),
);
