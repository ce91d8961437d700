/**
 * `npm run bench -- login-storm` (issue 12, defect 4): 50 wrong-password sign-ins at once, from
 * 50 addresses and for 50 accounts, while Daraja callbacks arrive at 20 a second. `p99_ms` is the
 * callback acknowledgement p99 while the sign-ins are in flight; `baseline` the same callbacks
 * with no sign-ins, in the same run, same server, same database. Target: p99 ≤ 50 ms.
 *
 * Everything is real: the password cost (scrypt N = 2^15, r = 8) of the stored hashes, the
 * default hash threads and queue, the per-IP and per-account limits. No limit may cut a sign-in
 * short: the addresses come through a trusted proxy (X-Forwarded-For, one address each), the
 * accounts fail a few times at most, and the bench fails unless every sign-in answered 401 (that
 * is, reached the hash). The M-Pesa worker processes the callbacks (cancellations) meanwhile,
 * as in production. Rounds alternate, baseline then storm, so both see the same machine load.
 * Clients run in a worker thread (login-storm.worker.mjs), never on the server's event loop.
 * PGlite with its data on disk; PostgreSQL too when TEST_DATABASE_URL is set (BENCH_DATABASE
 * picks one). STORM_DEBUG=1 prints when the slow acknowledgements came, on stderr.
 */
import { scrypt } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ManualClock, SeededRandom, isoAt, password_hash_cost, scryptMemoryBytes, uuidv7 } from '@payme/shared';
import type { Db } from '../src/db/db.js';
import { buildApp } from '../src/app.js';
import { generateSigningKey } from '../src/audit/signing-key.js';
import { default_config } from '../src/config.js';
import { saveMpesaAccount } from '../src/mpesa/mpesa-account.js';
import { createTestBusiness } from '../test/support/index.js';
import { benchDatabases, databaseFields, openMpesaBench } from './ingest-bench-setup.js';

const logins = 50;
const callbacks_per_s = 20;
const rounds = 3;
/** A storm round's callbacks start this long before its sign-ins, and run at least `round_ms`. */
const login_after_ms = 500;
const round_ms = 5_000;
const target_p99_ms = 50;

interface Timed {
  at_ms: number;
  ms: number;
  status: number;
}
interface RoundResult {
  callbacks: Timed[];
  logins: Timed[];
  failure: string | null;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return { n: sorted.length, p50_ms: round(percentile(sorted, 50)), p95_ms: round(percentile(sorted, 95)), p99_ms: round(percentile(sorted, 99)), max_ms: round(sorted.at(-1) ?? 0) };
}

/** One scrypt at the password cost with Node's native scrypt: the unit a sign-in costs here. */
async function oneHashMs(): Promise<number> {
  const started = performance.now();
  const N = 2 ** password_hash_cost.log2N;
  await new Promise((resolve, reject) =>
    scrypt('probe', 'salt-salt-salt-s', 32, { N, r: password_hash_cost.r, p: password_hash_cost.p, maxmem: scryptMemoryBytes(password_hash_cost) }, (error, key) => (error ? reject(error) : resolve(key))),
  );
  return performance.now() - started;
}

/** 50 manager accounts with one real-cost password hash between them (the hash is what a check costs). */
async function addAccounts(db: Db, businessId: string, passwordHash: string, clock: ManualClock, random: SeededRandom): Promise<string[]> {
  const emails = Array.from({ length: logins }, (_, i) => `storm-manager-${i}@duka.example`);
  await db.transaction(async (tx) => {
    for (const [i, email] of emails.entries()) {
      await tx.query(`INSERT INTO staff (id, business_id, name, role, email, password_hash, active, created_at, updated_at) VALUES ($1, $2, $3, 'manager', $4, $5, true, $6, $6)`, [
        uuidv7(clock, random),
        businessId,
        `Manager ${i}`,
        email,
        passwordHash,
        isoAt(clock.now()),
      ]);
    }
  });
  return emails;
}

/** Payments waiting for their callbacks, `prefix-<i>` each: every callback has one to settle. */
async function addRequestedPayments(db: Db, businessId: string, prefix: string, count: number, clock: ManualClock, random: SeededRandom): Promise<void> {
  await db.transaction(async (tx) => {
    for (let i = 0; i < count; i += 1) {
      await tx.query(
        `INSERT INTO payments (business_id, payment_id, request_hash, phone, amount_cents, state, merchant_request_id, checkout_request_id, created_at, updated_at)
         VALUES ($1, $2, 'bench', $3, 10000, 'requested', $4, $5, $6, $6)`,
        [businessId, uuidv7(clock, random), `2547${String(10_000_000 + i).slice(-8)}`, `${prefix}-m-${i}`, `${prefix}-${i}`, isoAt(clock.now())],
      );
    }
  });
}

/** `STORM_DEBUG=1`: when the slow acknowledgements came (ms after the first sign-in) and when the sign-ins ended, on stderr. */
function describeStorm(storm: RoundResult, from: number): void {
  const slow = storm.callbacks.filter((one) => one.ms > 20).map((one) => [Math.round(one.at_ms - from), Math.round(one.ms)]);
  const ended = storm.logins.map((one) => Math.round(one.at_ms + one.ms - from)).sort((a, b) => a - b);
  process.stderr.write(`login-storm: slow acks [at, ms] ${JSON.stringify(slow)}; sign-ins answered by ${JSON.stringify(ended.filter((_, k) => k % 10 === 9))} ms\n`);
}

const clients = new Worker(new URL('./login-storm.worker.mjs', import.meta.url));

function runRound(job: Record<string, unknown>): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    clients.once('message', (result: RoundResult) => {
      clients.removeAllListeners('error');
      resolve(result);
    });
    clients.once('error', reject);
    clients.postMessage(job);
  });
}

try {
  const hashMs = Math.min(await oneHashMs(), await oneHashMs());
  for (const target of benchDatabases()) {
    const { db, cleanup, clock, random, keyring } = await openMpesaBench(target, 1212);
    try {
      // The production defaults, except that this loopback client is the trusted proxy.
      const config = { signing_key: generateSigningKey(random), trust_proxy: '127.0.0.1' };
      const app = await buildApp({ db, clock, random, config, logger: false, mpesa: { keyring, start_worker: true } });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const business = await createTestBusiness(app.payme.deps);
      const { callback_secret } = await db.transaction((tx) =>
        saveMpesaAccount(tx, { keyring, random, clock }, business.business_id, { base_url: 'http://127.0.0.1:9', kind: 'till', business_shortcode: '174379', till_number: '600100', callback_base_url: base }, { consumer_key: 'k', consumer_secret: 's', passkey: 'p' }),
      );
      const stored = await app.payme.deps.hasher.hash('the-right-password', password_hash_cost);
      const emails = await addAccounts(db, business.business_id, stored, clock, random);
      const prefix = 'ws_CO_storm';
      // Enough for every round at the rate, with room for a slow storm.
      await addRequestedPayments(db, business.business_id, prefix, rounds * 2 * callbacks_per_s * 30, clock, random);
      const callbackUrl = `${base}/v1/mpesa/${callback_secret}/stk`;
      const stormLogins = emails.map((email, i) => ({ email, password: `wrong-password-${i}`, ip: `198.51.100.${i + 1}` }));
      let next = 0;
      const round = async (withLogins: boolean, durationMs: number) => {
        const result = await runRound({
          callback_url: callbackUrl,
          callback_body_prefix: prefix,
          first_callback: next,
          callbacks_per_s,
          duration_ms: durationMs,
          logins: withLogins ? stormLogins : [],
          login_url: `${base}/v1/auth/login`,
          login_after_ms,
        });
        next += result.callbacks.length;
        if (result.failure !== null) throw new Error(result.failure);
        const refused = result.callbacks.filter((one) => one.status !== 200);
        if (refused.length > 0) throw new Error(`${refused.length} callbacks were not acknowledged with 200`);
        return result;
      };
      // Warm-up: routes, JIT, the hash threads and the pool's connections.
      await round(false, 1_000);
      await round(true, 0);

      const baseline: number[] = [];
      const during: number[] = [];
      const loginMs: number[] = [];
      const loginStatuses = new Map<number, number>();
      for (let i = 0; i < rounds; i += 1) {
        const quiet = await round(false, round_ms);
        baseline.push(...quiet.callbacks.map((one) => one.ms));
        const storm = await round(true, round_ms);
        const from = Math.min(...storm.logins.map((one) => one.at_ms));
        const until = Math.max(...storm.logins.map((one) => one.at_ms + one.ms));
        // The callbacks sent while at least one sign-in was in flight.
        if (process.env.STORM_DEBUG) describeStorm(storm, from);
        during.push(...storm.callbacks.filter((one) => one.at_ms >= from && one.at_ms <= until).map((one) => one.ms));
        for (const login of storm.logins) {
          loginMs.push(login.ms);
          loginStatuses.set(login.status, (loginStatuses.get(login.status) ?? 0) + 1);
        }
      }
      // Every sign-in must have reached the hash: a limit answering instead would flatter the figure.
      if (loginStatuses.size !== 1 || !loginStatuses.has(401)) throw new Error(`sign-ins answered ${JSON.stringify(Object.fromEntries(loginStatuses))}; every one must be 401 (checked, wrong)`);
      const measured = summary(during);
      const quiet = summary(baseline);
      const signins = summary(loginMs);
      console.log(
        JSON.stringify({
          bench: 'login-storm',
          scenario: `${target.name}-50-logins-50-ips-50-accounts-20-callbacks-per-s`,
          // On PostgreSQL also the cluster's fsync and synchronous_commit, as every bench line says.
          ...(await databaseFields(target, db)),
          logins,
          p99_ms: measured.p99_ms,
          p50_ms: measured.p50_ms,
          max_ms: measured.max_ms,
          n: measured.n,
          baseline: { p99_ms: quiet.p99_ms, p50_ms: quiet.p50_ms, max_ms: quiet.max_ms, n: quiet.n },
          ratio: Math.round((measured.p99_ms / Math.max(0.01, quiet.p99_ms)) * 100) / 100,
          rounds,
          callbacks_per_s,
          // What the sign-ins cost and how long the last one waited for a hash thread.
          hash_ms: Math.round(hashMs),
          hash_threads: default_config.hash_threads,
          login_answers: Object.fromEntries(loginStatuses),
          login_p50_ms: Math.round(signins.p50_ms),
          login_max_ms: Math.round(signins.max_ms),
          target: { p99_ms_max: target_p99_ms },
          cores: availableParallelism(),
          // The machine's load while measuring: figures are only comparable at similar load.
          load_avg_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
        }),
      );
      await app.close();
    } finally {
      await db.close();
      await cleanup();
    }
  }
} finally {
  await clients.terminate();
}
