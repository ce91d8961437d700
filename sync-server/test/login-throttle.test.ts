/**
 * The per-account sign-in limit (issue 12): failures only, a delay that doubles and stops at 15
 * minutes, the same for an email nobody has, and one count for every server instance on the
 * database.
 */
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLoginThrottle, default_login_throttle, LoginThrottled, loginDelayMs } from '../src/auth/login-throttle.js';
import { buildTestApp, createTestBusiness, login, testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

const free = default_login_throttle.free_failures;

function signIn(app: FastifyInstance, email: string, password: string) {
  return app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
}

async function statusesOf(app: FastifyInstance, email: string, password: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i += 1) statuses.push((await signIn(app, email, password)).statusCode);
  return statuses;
}

describe('the per-account delay schedule', () => {
  it('is free for the first failures, then doubles from 30 s and never passes 15 minutes', () => {
    const delays = Array.from({ length: 14 }, (_, i) => loginDelayMs(i, default_login_throttle) / 1000);
    expect(delays).toEqual([0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900, 900]);
    expect(loginDelayMs(1_000_000, default_login_throttle)).toBe(15 * 60_000);
  });
});

for (const target of testDatabases()) {
  describe(`the per-account sign-in limit (${target.name})`, () => {
    const t = useServerSuite(target);

    it('after five wrong passwords the account waits 30 s, refused even with the right password and without a hash; then the right one clears the count', async () => {
      const { owner } = await createTestBusiness(t.deps);
      expect(await statusesOf(t.app, owner.email, 'wrong-password', free)).toEqual([401, 401, 401, 401, 401]);
      const waiting = await signIn(t.app, owner.email.toUpperCase(), owner.password);
      expect(waiting.statusCode).toBe(429);
      expect(waiting.json()).toMatchObject({ code: 'login_throttled', retry_after_seconds: 30 });
      expect(waiting.json().message).toMatch(/try again in 30 s/);
      expect(waiting.headers['retry-after']).toBe('30');
      t.clock.advance(29_000);
      expect((await signIn(t.app, owner.email, owner.password)).statusCode).toBe(429);
      t.clock.advance(1_000);
      expect((await signIn(t.app, owner.email, owner.password)).statusCode).toBe(200);
      // Cleared: five more wrong passwords are free again.
      expect(await statusesOf(t.app, owner.email, 'wrong-password', free)).toEqual([401, 401, 401, 401, 401]);
      expect((await signIn(t.app, owner.email, 'wrong-password')).statusCode).toBe(429);
    });

    it('counts failures only: any number of right passwords never brings the account near its limit', async () => {
      const { manager } = await createTestBusiness(t.deps);
      expect(await statusesOf(t.app, manager.email, manager.password, 3 * free)).toEqual(Array.from({ length: 3 * free }, () => 200));
      expect(await statusesOf(t.app, manager.email, 'wrong-password', free - 1)).toEqual([401, 401, 401, 401]);
      expect((await signIn(t.app, manager.email, manager.password)).statusCode).toBe(200);
      expect(await statusesOf(t.app, manager.email, 'wrong-password', free)).toEqual([401, 401, 401, 401, 401]);
    });

    it('limits an email nobody has exactly like a real one, and keeps the email itself out of the table', async () => {
      const email = `nobody-${t.random.int(0, 1e9)}@example.test`;
      expect(await statusesOf(t.app, email, 'whatever-it-is', free + 1)).toEqual([401, 401, 401, 401, 401, 429]);
      const rows = await t.db.query<{ account_key: string }>('SELECT account_key FROM login_failures');
      expect(rows.some((row) => row.account_key.includes('nobody'))).toBe(false);
    });

    it('doubles the wait with each further failure and stops at 15 minutes', async () => {
      const { owner } = await createTestBusiness(t.deps);
      await statusesOf(t.app, owner.email, 'wrong-password', free);
      const waits: number[] = [];
      for (let i = 0; i < 8; i += 1) {
        const refused = await signIn(t.app, owner.email, 'wrong-password');
        expect(refused.statusCode).toBe(429);
        const seconds = Number(refused.headers['retry-after']);
        waits.push(seconds);
        t.clock.advance(seconds * 1000);
        expect((await signIn(t.app, owner.email, 'wrong-password')).statusCode).toBe(401);
      }
      expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
      // A day without failures and the count starts again from nothing.
      t.clock.advance(default_login_throttle.forget_after_ms);
      expect(await statusesOf(t.app, owner.email, 'wrong-password', free)).toEqual([401, 401, 401, 401, 401]);
      t.clock.advance(30_000);
      expect((await signIn(t.app, owner.email, owner.password)).statusCode).toBe(200);
    });

    it('holds across server instances on one database, and racing attempts each take one count', async () => {
      const { owner } = await createTestBusiness(t.deps);
      const other = await buildTestApp(t.db, { clock: t.clock });
      try {
        // Twenty at once, alternating between the two instances: five reach the hash, the rest wait.
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(i % 2 === 0 ? t.app : other.app, owner.email, 'wrong-password')));
        const statuses = answers.map((answer) => answer.statusCode).sort();
        expect(statuses).toEqual([...Array.from({ length: free }, () => 401), ...Array.from({ length: 20 - free }, () => 429)]);
        expect((await signIn(other.app, owner.email, owner.password)).statusCode).toBe(429);
        t.clock.advance(30_000);
        expect((await signIn(other.app, owner.email, owner.password)).statusCode).toBe(200);
      } finally {
        await other.app.close();
      }
    });

    it('gives back the count of an attempt that ended without a password check (the hash queue was full)', async () => {
      const throttle = createLoginThrottle(t.db, t.clock, default_login_throttle);
      const email = `busy-${t.random.int(0, 1e9)}@example.test`;
      for (let i = 0; i < free - 1; i += 1) await throttle.begin(email);
      // The fifth would start the wait; abandoned, it is as if it never came.
      await (await throttle.begin(email)).abandoned();
      const fifth = await throttle.begin(email);
      await expect(throttle.begin(email)).rejects.toBeInstanceOf(LoginThrottled);
      await fifth.succeeded();
      await (await throttle.begin(email)).succeeded();
    });

    it('limits guessing the current password through a signed-in session too', async () => {
      const { manager } = await createTestBusiness(t.deps);
      const session = await login(t.app, manager.email, manager.password);
      const change = (current: string) =>
        t.app.inject({ method: 'POST', url: '/v1/auth/password', headers: session.bearer, payload: { current_password: current, new_password: 'a-brand-new-password' } });
      const statuses: number[] = [];
      for (let i = 0; i < free + 1; i += 1) statuses.push((await change(`guess-${i}`)).statusCode);
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
      expect((await signIn(t.app, manager.email, manager.password)).json()).toMatchObject({ code: 'login_throttled' });
      t.clock.advance(30_000);
      expect((await change(manager.password)).statusCode).toBe(200);
    });
  });
}
