/**
 * Issue 12, defect 4: "sign-ins stall the whole server". With the real password cost, a burst
 * of wrong-password sign-ins must not delay `/healthz` or the acknowledgement of a Daraja
 * callback by anything like a hash: the hashing runs in the hasher's worker threads, and the
 * event loop stays free to answer. On the code before the fix each sign-in hashed on the event
 * loop for ~300 ms, and every probe that arrived meanwhile waited for it.
 */
import { scryptSync } from 'node:crypto';
import { ManualClock, SeededRandom, password_hash_cost } from '@payme/shared';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { buildApp } from '../src/app.js';
import { generateSigningKey } from '../src/audit/signing-key.js';
import { generateMasterKey, keyringOf } from '../src/mpesa/credentials.js';
import { saveMpesaAccount } from '../src/mpesa/mpesa-account.js';
import { createTestBusiness, openMigrated, test_config, testDatabases } from './support/index.js';

const signins = 8;

/** One scrypt at the real password cost, here and now: the unit the probes are held against. */
function oneHashMs(): number {
  const times = [0, 1, 2].map(() => {
    const started = performance.now();
    scryptSync('probe', 'salt-salt-salt-s', 32, { N: 2 ** password_hash_cost.log2N, r: password_hash_cost.r, p: password_hash_cost.p, maxmem: 256 * 2 ** password_hash_cost.log2N * password_hash_cost.r });
    return performance.now() - started;
  });
  return times.sort((a, b) => a - b)[1] as number;
}

/** Latency percentiles of a list of probes, in whole milliseconds. */
function stats(list: Array<{ ms: number }>) {
  const sorted = list.map((one) => one.ms).sort((a, b) => a - b);
  const at = (share: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0);
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

const stkCallback = (i: number) =>
  JSON.stringify({ Body: { stkCallback: { MerchantRequestID: `storm-${i}`, CheckoutRequestID: `ws_CO_storm_${i}`, ResultCode: 1032, ResultDesc: 'Request cancelled by user' } } });

describe('a burst of wrong-password sign-ins at the real hash cost', () => {
  let db: Db;
  let app: FastifyInstance;
  let base: string;
  let callbackUrl: string;

  beforeAll(async () => {
    db = await openMigrated(testDatabases()[0]!);
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
    const random = new SeededRandom(1212);
    const keyring = keyringOf(generateMasterKey(random));
    // The real password cost (scrypt N = 2^15, r = 8), not the cheap one other suites use.
    const config = { ...test_config, password_hash_cost, signing_key: generateSigningKey(random) };
    app = await buildApp({ db, clock, random, config, logger: false, mpesa: { keyring, start_worker: false } });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const business = await createTestBusiness(app.payme.deps);
    const { callback_secret } = await db.transaction((tx) =>
      saveMpesaAccount(tx, { keyring, random, clock }, business.business_id, { base_url: 'http://127.0.0.1:9', kind: 'till', business_shortcode: '174379', till_number: '600100', callback_base_url: base }, { consumer_key: 'k', consumer_secret: 's', passkey: 'p' }),
    );
    callbackUrl = `${base}/v1/mpesa/${callback_secret}/stk`;
    // Warm both probe routes (first-call JIT and the callback secret lookup) before measuring.
    await fetch(`${base}/healthz`);
    await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stkCallback(-1) });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  async function probe(round: number, probes: Array<{ what: string; ms: number }>): Promise<void> {
    let started = performance.now();
    const health = await fetch(`${base}/healthz`);
    probes.push({ what: 'healthz', ms: performance.now() - started });
    expect(health.status).toBe(200);
    started = performance.now();
    const ack = await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stkCallback(round) });
    probes.push({ what: 'callback', ms: performance.now() - started });
    expect(await ack.json()).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
  }

  it('leaves /healthz and Daraja callback acknowledgements answering well within half a hash while the sign-ins are in flight', async () => {
    const hashMs = oneHashMs();
    const quiet: Array<{ what: string; ms: number }> = [];
    for (let i = 0; i < 50; i += 1) await probe(10_000 + i, quiet);
    let inFlight = true;
    const storm = Promise.all(
      Array.from({ length: signins }, (_, i) =>
        fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `storm-${i}@example.test`, password: `wrong-${i}` }) }),
      ),
    ).finally(() => (inFlight = false));
    const probes: Array<{ what: string; ms: number }> = [];
    for (let i = 0; inFlight; i += 1) await probe(i, probes);
    const answers = await storm;
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: signins }, () => 401));
    const during = stats(probes);
    console.log(JSON.stringify({ signins, hash_ms: Math.round(hashMs), during_storm: during, quiet: stats(quiet) }));
    // Hashed on the event loop, nearly every probe waits for a hash, and only a handful fit in the
    // storm. The median, not a high percentile: on a loaded two-core machine the hash threads and
    // other processes take time slices from the event loop too (a CI run at load 10 had p90 71 ms
    // against a 106 ms hash, p90 was the bound then), which is noise, not the stall.
    expect(during.p50, `median of the probes during the storm: ${during.p50} ms; one hash: ${Math.round(hashMs)} ms`).toBeLessThan(hashMs / 2);
    // The probes ran all through the storm (9 hashes in one thread, over a second), not after it.
    expect(during.n).toBeGreaterThanOrEqual(4 * signins);
  });
});
