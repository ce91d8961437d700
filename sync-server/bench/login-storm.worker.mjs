/**
 * The login-storm benchmark's clients, in their own thread: Daraja and the people signing in are
 * remote, so building their requests and reading the answers must not run on the server's event
 * loop and be counted in its acknowledgement latency.
 *
 * A job `{callback_url, callback_body_prefix, first_callback, callbacks_per_s, duration_ms,
 * logins, login_url, login_after_ms}`:
 * - Callbacks go out open-loop at `callbacks_per_s`, each at its scheduled time whether or not
 *   the ones before it were answered (a paced load generator that waits for answers would send
 *   fewer requests exactly when the server stalls, and hide the stall). Each latency runs from
 *   the scheduled time to the end of the answer. They use a pool of keep-alive connections opened
 *   before the run, as a server behind the TLS-terminating proxy that Daraja's https callback
 *   URLs require receives them.
 * - `login_after_ms` into the run, every login `{email, password, ip}` is posted at once, with
 *   `X-Forwarded-For: ip` (the server trusts this thread's loopback address as its proxy).
 *   Callbacks keep going until the last login is answered, or `duration_ms`, whichever is later.
 * Answers `{callbacks: [{at_ms, ms, status}], logins: [{at_ms, ms, status}], failure}`, times in
 * ms since the job started.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

const open_connections = 16;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(url, body, headers = {}) {
  return new Promise((resolve) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

function get(url) {
  return new Promise((resolve) => {
    http
      .get(url, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('error', () => resolve(0));
  });
}

/** Opens the pool's connections (all at once, so each is a separate socket) and keeps them. */
async function warm(url) {
  await Promise.all(Array.from({ length: open_connections }, () => get(new URL('/healthz', url))));
}

function stkCallback(prefix, i) {
  return JSON.stringify({ Body: { stkCallback: { MerchantRequestID: `${prefix}-m-${i}`, CheckoutRequestID: `${prefix}-${i}`, ResultCode: 1032, ResultDesc: 'Request cancelled by user' } } });
}

async function run(job) {
  await warm(job.callback_url);
  const started = performance.now();
  const since = () => performance.now() - started;
  const interval_ms = 1000 / job.callbacks_per_s;
  const callbacks = [];
  const logins = [];
  const pending = [];
  let loginsDone = job.logins.length === 0;
  const loginsFinished =
    job.logins.length === 0
      ? Promise.resolve()
      : new Promise((resolve) => setTimeout(resolve, job.login_after_ms)).then(() =>
          Promise.all(
            job.logins.map(async ({ email, password, ip }) => {
              const at = since();
              const status = await post(job.login_url, JSON.stringify({ email, password }), { 'x-forwarded-for': ip });
              logins.push({ at_ms: at, ms: since() - at, status });
            }),
          ).then(() => {
            loginsDone = true;
          }),
        );
  for (let i = 0; ; i += 1) {
    const scheduled = i * interval_ms;
    if (scheduled >= job.duration_ms && loginsDone) break;
    const wait = scheduled - since();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const n = job.first_callback + i;
    pending.push(
      post(job.callback_url, stkCallback(job.callback_body_prefix, n)).then((status) => {
        callbacks.push({ at_ms: scheduled, ms: since() - scheduled, status });
      }),
    );
  }
  await Promise.all([loginsFinished, ...pending]);
  return { callbacks, logins, failure: null };
}

parentPort.on('message', (job) => {
  run(job).then(
    (result) => parentPort.postMessage(result),
    (error) => parentPort.postMessage({ callbacks: [], logins: [], failure: String(error) }),
  );
});
