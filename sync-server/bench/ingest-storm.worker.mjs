// The load of `ingest-storm` (ingest-storm.bench.ts), in a worker thread so its work stays off
// the server's event loop, as tills and Daraja are elsewhere. Three kinds of client run at once:
// - backlog tills: push their backlog as the till's sync agent does (electron/src/sync/push-step.ts):
//   batches of at most 500 events, a 429 waits its Retry-After and halves the batch, an answer
//   slower than 2 s halves it, a quick answer to a full batch doubles it back;
// - live tills: one sale a second each (retrying a 429 after its Retry-After);
// - a Daraja callback stream at a fixed rate.
// A batch's wait runs from its first attempt to its 200, its 429 retries included.
import { parentPort } from 'node:worker_threads';

const batch_events_max = 500;
const batch_events_min = 10;
const answer_target_ms = 2_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfterMs(res) {
  const header = Number(res.headers.get('retry-after'));
  return Number.isFinite(header) && header >= 0 ? header * 1000 : 1000;
}

async function post(url, token, body) {
  return fetch(url, { method: 'POST', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' }, body });
}

function bodyOf(till, from, to) {
  return `{"till_id":${JSON.stringify(till.till_id)},"epoch":1,"events":[${till.events.slice(from, to).join(',')}]}`;
}

async function backlogTill(url, till, out) {
  let next = 0;
  let batch = batch_events_max;
  // Set at a batch's first attempt, kept through its 429s (the retry carries fewer of the same events).
  let waitingSince = null;
  while (next < till.events.length) {
    const size = Math.min(batch, till.events.length - next);
    const body = bodyOf(till, next, next + size);
    const sent = performance.now();
    waitingSince ??= sent;
    const res = await post(`${url}/v1/sync/push`, till.device_token, body);
    const text = await res.text();
    const elapsed = performance.now() - sent;
    if (res.status === 429) {
      out.backlog_429 += 1;
      batch = Math.max(batch_events_min, Math.floor(batch / 2));
      await sleep(retryAfterMs(res));
      continue;
    }
    if (res.status !== 200) throw new Error(`backlog push answered ${res.status}: ${text.slice(0, 300)}`);
    out.backlog_waits.push(performance.now() - waitingSince);
    waitingSince = null;
    out.backlog_batches += 1;
    out.backlog_sizes.push(size);
    next += size;
    if (elapsed > answer_target_ms) batch = Math.max(batch_events_min, Math.floor(batch / 2));
    else if (size >= batch && elapsed < answer_target_ms / 4) batch = Math.min(batch_events_max, batch * 2);
  }
}

async function liveTill(url, till, offsetMs, done, out) {
  await sleep(offsetMs);
  let next = 0;
  const started = performance.now();
  while (!done.value && next < till.events.length) {
    const due = started + next * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const first = performance.now();
    for (;;) {
      const res = await post(`${url}/v1/sync/push`, till.device_token, bodyOf(till, next, next + 1));
      const text = await res.text();
      if (res.status === 429) {
        out.live_429 += 1;
        await sleep(retryAfterMs(res));
        continue;
      }
      if (res.status !== 200) throw new Error(`live push answered ${res.status}: ${text.slice(0, 300)}`);
      break;
    }
    out.live_latencies.push(performance.now() - first);
    next += 1;
  }
  out.live_pushed += next;
}

async function callbackStream(url, bodies, perSecond, done, out) {
  const started = performance.now();
  const inFlight = [];
  for (let i = 0; i < bodies.length && !done.value; i += 1) {
    const wait = started + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(
      (async () => {
        const sent = performance.now();
        const res = await post(url, null, bodies[i]);
        await res.text();
        if (res.status !== 200) throw new Error(`callback answered ${res.status}`);
        out.callback_latencies.push(performance.now() - sent);
      })(),
    );
  }
  await Promise.all(inFlight);
}

parentPort.on('message', async (job) => {
  const out = {
    backlog_waits: [],
    backlog_sizes: [],
    backlog_batches: 0,
    backlog_429: 0,
    live_latencies: [],
    live_pushed: 0,
    live_429: 0,
    callback_latencies: [],
  };
  const done = { value: false };
  try {
    const started = performance.now();
    const live = job.live.map((till, i) => liveTill(job.url, till, (i * 1000) / job.live.length, done, out));
    const callbacks = callbackStream(job.callback_url, job.callback_bodies, job.callbacks_per_s, done, out);
    await Promise.all(job.backlog.map((till) => backlogTill(job.url, till, out)));
    const backlog_s = (performance.now() - started) / 1000;
    done.value = true;
    await Promise.all([...live, callbacks]);
    parentPort.postMessage({ failure: null, backlog_s, ...out });
  } catch (error) {
    done.value = true;
    parentPort.postMessage({ failure: error instanceof Error ? error.message : String(error) });
  }
});
