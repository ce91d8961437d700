/** The app shell: one error shape, declared access, health, request ids, redacted logs. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '@payme/shared';
import { openDb, type Db } from '../src/db/db.js';
import { buildApp } from '../src/app.js';
import { errorResponse } from '../src/http/errors.js';
import { redactUrl } from '../src/http/logging.js';
import { loadMigrations, migrate } from '../src/db/migrate.js';
import { buildTestApp, createTestBusiness, login, test_config, type TestApp } from './support/index.js';

describe('app shell (pglite)', () => {
  let db: Db;
  let t: TestApp;
  beforeAll(async () => {
    db = await openDb({});
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.close();
  });

  it('readyz is 503 until the database is migrated; healthz is always 200', async () => {
    const early = await buildApp({ db, clock: new ManualClock(), random: new SeededRandom(1), config: test_config, logger: false });
    expect((await early.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const notReady = await early.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toMatchObject({ code: 'not_ready' });
    await early.close();
    await migrate(db);
    t = await buildTestApp(db);
    const shipped = (await loadMigrations()).map((migration) => migration.version);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ ok: true, database: 'pglite', schema_version: Math.max(...shipped) });
  });

  it('readyz is 503 naming the migration this build ships that the database lacks', async () => {
    const last = Math.max(...(await loadMigrations()).map((migration) => migration.version));
    const [row] = await db.query<{ name: string; applied_at: Date }>('SELECT name, applied_at FROM schema_migrations WHERE version = $1', [last]);
    await db.query('DELETE FROM schema_migrations WHERE version = $1', [last]);
    try {
      const partly = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(partly.statusCode).toBe(503);
      expect(partly.json()).toMatchObject({ code: 'not_ready', missing_migrations: [last] });
      expect(partly.json().message).toMatch(new RegExp(`Migrations ${last} are not applied: run payme-server migrate`));
    } finally {
      await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [last, row!.name, row!.applied_at]);
    }
    // A database a newer release migrated further is still ready for this build (expand-only).
    await db.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from_a_newer_release', now())`);
    try {
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await db.query('DELETE FROM schema_migrations WHERE version = 999');
    }
  });

  it('a route without declared access cannot be registered', async () => {
    const app = await buildApp({ db, clock: new ManualClock(), random: new SeededRandom(2), config: test_config, logger: false });
    expect(() => app.get('/v1/undeclared', async () => ({}))).toThrow(/config.access/);
    expect(() => app.get('/v1/wrong', { config: { access: 'everyone' as never } }, async () => ({}))).toThrow(/config.access/);
    await app.close();
  });

  it('unknown routes, bad JSON and oversized bodies answer in the one error shape', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'not_found', message: 'No route GET /v1/nothing-here' });
    const badJson = await t.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ code: 'invalid_json', field: 'body' });
    const huge = await t.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'x'.repeat(300_000) }) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ code: 'body_too_large', field: 'body' });
    const media = await t.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'text/xml' }, payload: '<x/>' });
    expect(media.statusCode).toBe(415);
    expect(media.json()).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
    const list = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: [1, 2] });
    expect(list.json()).toMatchObject({ code: 'invalid_input', field: 'body' });
  });

  it('maps errors: database data exceptions are 400, surprises are a bare 500', () => {
    expect(errorResponse(Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' }))).toMatchObject({ status: 400, body: { code: 'invalid_input' } });
    const surprise = errorResponse(new Error('secret internals'));
    expect(surprise).toMatchObject({ status: 500, internal: true, body: { code: 'internal' } });
    expect(JSON.stringify(surprise.body)).not.toMatch(/secret internals/);
  });

  it('keeps a sane caller request id and otherwise makes one', async () => {
    const kept = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'till-7.abc_123' } });
    expect(kept.headers['x-request-id']).toBe('till-7.abc_123');
    const replaced = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('logs are JSON with request ids and no secrets, tokens or phone numbers in clear', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await buildApp({ db, clock: new ManualClock(), random: new SeededRandom(3), config: test_config, logger: { level: 'debug', stream } });
    const business = await createTestBusiness(logged.payme.deps);
    const session = await login(logged, business.owner.email, business.owner.password);
    logged.log.info({ password: 'hunter2-secret', pin: '4321', nested: { token: 'tok-secret', phone: '254712345678' } }, 'structured');
    await logged.inject({ method: 'GET', url: '/v1/customers?phone=254712345678', headers: { ...session.bearer, cookie: `payme_session=${session.token}` } });
    await logged.inject({ method: 'POST', url: '/v1/mpesa/callback-secret-abc/stk', payload: {} });
    await logged.close();
    const text = lines.join('');
    if (process.env.SHOW_LOGS) console.log(text);
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).toMatch(/"reqId"/);
    for (const secret of ['hunter2-secret', '4321', 'tok-secret', '254712345678', session.token, 'callback-secret-abc', business.owner.password]) {
      expect(text.includes(secret), secret).toBe(false);
    }
    expect(redactUrl('/v1/x?phone=0712345678')).toBe('/v1/x?phone=0712*****78');
    expect(redactUrl('/v1/mpesa/stk/Xk9fQ2pL/callback?x=1')).toBe('/v1/mpesa/stk/[redacted]/callback?x=1');
  });

  it('a graceful close signs every unsigned audit head (the checkpoint timer is running)', async () => {
    const clock = new ManualClock();
    const timed = await buildApp({ db, clock, random: new SeededRandom(4), config: test_config, logger: false, checkpointTimer: true });
    const business = await createTestBusiness(timed.payme.deps);
    const owner = await login(timed, business.owner.email, business.owner.password);
    const head = (await db.query<{ audit_seq: number }>('SELECT audit_seq FROM businesses WHERE id = $1', [business.business_id]))[0]!.audit_seq;
    // The login came after the enrollment checkpoint and too soon for another one.
    const before = await timed.inject({ method: 'GET', url: '/v1/audit/verify', headers: owner.bearer });
    expect(before.json().last_checkpoint_seq).toBe(head - 1);
    await timed.close();
    const after = await db.query<{ seq: number }>('SELECT max(seq)::int AS seq FROM audit_checkpoints WHERE business_id = $1', [business.business_id]);
    expect(after[0]!.seq).toBe(head);
  });

  it('an owner session is refused on a device route and a device token on owner routes', async () => {
    const business = await createTestBusiness(t.deps);
    const owner = await login(t.app, business.owner.email, business.owner.password);
    const device = { authorization: `Bearer ${business.till.device_token}` };
    expect((await t.app.inject({ method: 'GET', url: '/v1/settings', headers: device })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/v1/audit/checkpoints/latest', headers: owner.bearer })).statusCode).toBe(200);
  });
});
