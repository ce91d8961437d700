/**
 * The owner web view's static files (DESIGN §11, §12): `/` and deep links answer the page with a
 * strict CSP; hashed assets are cached for good; the API, health and metrics paths keep their
 * JSON 404, a POST never gets a page, and a checkout without the build says how to build it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { buildTestApp, openMigrated, testDatabases, type TestApp } from './support/index.js';

const page = '<!doctype html><html><head><script type="module" src="/assets/owner-abc123.js"></script></head><body><div id="root"></div></body></html>';

describe('the owner web view at / (pglite)', () => {
  const target = testDatabases()[0]!;
  let db: Db;
  let built: TestApp;
  let unbuilt: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'payme-owner-view-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), page);
    writeFileSync(path.join(dir, 'assets', 'owner-abc123.js'), 'console.log("owner")');
    writeFileSync(path.join(dir, '.secret'), 'not for anyone');
    writeFileSync(path.join(dir, 'manifest.webmanifest'), '{}');
    db = await openMigrated(target);
    built = await buildTestApp(db, { ownerViewDir: dir });
    unbuilt = await buildTestApp(db, { ownerViewDir: path.join(dir, 'missing') });
  });
  afterAll(async () => {
    await built?.app.close();
    await unbuilt?.app.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at / and at every deep link, never cached, with a strict CSP', async () => {
    for (const url of ['/', '/sales', '/sales/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b?from=2026-11-01', '/credit/', '/audit']) {
      const res = await built.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.body, url).toBe(page);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-(inline|eval)/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    const head = await built.app.inject({ method: 'HEAD', url: '/tills' });
    expect(head.statusCode).toBe(200);
  });

  it('serves hashed assets as immutable and other files as they are', async () => {
    const asset = await built.app.inject({ method: 'GET', url: '/assets/owner-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    const manifest = await built.app.inject({ method: 'GET', url: '/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
  });

  it('a missing file, a dotfile or a path leaving the folder is a JSON 404, never the page', async () => {
    for (const url of ['/assets/owner-gone.js', '/favicon.ico', '/.secret', '/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2fpackage.json']) {
      const res = await built.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body, url).not.toContain('not for anyone');
      expect(res.body, url).not.toContain('<!doctype html>');
    }
  });

  it('an unknown API route stays the JSON 404; health, readiness and metrics are not the page', async () => {
    const api = await built.app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ code: 'not_found', message: 'No route GET /v1/nothing-here' });
    const metrics = await built.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).not.toContain('<!doctype html>');
    for (const url of ['/v1', '/v1/', '/metrics/', '/healthz/extra', '/readyz/']) {
      const res = await built.app.inject({ method: 'GET', url });
      expect(res.headers['content-type'], url).toMatch(/application\/json/);
      expect(res.body, url).not.toContain('<!doctype html>');
    }
    expect((await built.app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ ok: true });
  });

  it('only GET and HEAD fall back to the page: a POST or DELETE elsewhere is a JSON 404', async () => {
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      const res = await built.app.inject({ method, url: '/sales', payload: {} });
      expect(res.statusCode, method).toBe(404);
      expect(res.json(), method).toMatchObject({ code: 'not_found' });
    }
  });

  it('without the build, / says how to build it and the API still answers', async () => {
    const res = await unbuilt.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build -w @payme/renderer');
    expect((await unbuilt.app.inject({ method: 'GET', url: '/v1/nope' })).json()).toMatchObject({ code: 'not_found' });
  });
});
