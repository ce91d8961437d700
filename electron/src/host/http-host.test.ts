import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestTill, ids, pins, tempDir, type TestTill } from '../../test/ledger-fixture.js';
import { buildHttpHost, listenOnLoopback, rpc_body_bytes_max } from './http-host.js';
import { createTillHost } from './till-host.js';

let till: TestTill;
let app: FastifyInstance;
let port: number;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: 'GET' | 'POST', url: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: url, headers: { host: `127.0.0.1:${port}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const rpc = (method: string, input: unknown, headers: Record<string, string> = {}) => send('POST', `/rpc/${method}`, JSON.stringify(input), headers);

async function start(rendererDir: string) {
  const host = createTillHost({ ledger: till.ledger, dataDir: till.dir, clock: till.clock, fetch: () => Promise.reject(new Error('no network in this test')) });
  app = await buildHttpHost({ host, rendererDir });
  const url = await listenOnLoopback(app, 0);
  port = Number(new URL(url).port);
  expect(url).toBe(`http://127.0.0.1:${port}/`);
}

let rendererDir: string;
beforeEach(async () => {
  till = createTestTill();
  rendererDir = path.join(till.dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>till</title>');
  await start(rendererDir);
});
afterEach(async () => {
  await app.close();
  till.cleanup();
});

describe('browser host', () => {
  it('serves the built cashier app with the strict CSP', async () => {
    const page = await send('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>till</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('answers /rpc with the ledger\'s result, and the error codes with honest statuses', async () => {
    expect(JSON.parse((await rpc('searchProducts', { query: 'soap' })).body)).toMatchObject({ code: 'unauthorized' });
    const wrong = await rpc('login', { staff_id: ids.cashier, pin: '0000' });
    expect(wrong.status).toBe(403);
    expect(JSON.parse(wrong.body)).toMatchObject({ code: 'pin_invalid', field: 'pin' });

    const login = await rpc('login', { staff_id: ids.cashier, pin: pins.cashier });
    expect(login.status).toBe(200);
    expect(JSON.parse(login.body)).toEqual({ staff: { staff_id: ids.cashier, name: 'Achieng', role: 'cashier' } });

    const found = await rpc('lookupBarcode', { barcode: '6001000000028' });
    expect(found.status).toBe(200);
    expect(found.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(found.body)).toMatchObject({ product: { product_id: ids.soap, unit_price: 9_950 } });

    const bad = await rpc('lookupBarcode', { barcode: 12 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 'invalid_input', field: 'barcode' });

    const missing = await rpc('getSale', { sale_id: till.id() });
    expect(missing.status).toBe(404);
    expect((await rpc('formatDisk', {})).status).toBe(404);
    expect((await rpc('requestMpesaPayment', { command_id: till.id(), payment_id: till.id(), sale_id: till.id(), phone: '254712345678', amount: 10_000 })).status).toBe(501);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin (cross-site post)', async () => {
    const rebound = await rpc('login', { staff_id: ids.cashier, pin: pins.cashier }, { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ code: 'forbidden_host' });
    expect((await send('GET', '/', undefined, { host: `evil.example:${port}` })).status).toBe(403);

    const crossSite = await rpc('login', { staff_id: ids.cashier, pin: pins.cashier }, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body)).toMatchObject({ code: 'forbidden_origin' });
    expect((await rpc('login', { staff_id: ids.cashier, pin: pins.cashier }, { origin: `http://127.0.0.1:${port + 1}` })).status).toBe(403);

    // Its own page's origin (either loopback name) is fine.
    expect((await rpc('login', { staff_id: ids.cashier, pin: pins.cashier }, { origin: `http://localhost:${port}`, host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses bodies over the limit, non-JSON and broken JSON in the error shape', async () => {
    const huge = await rpc('searchProducts', { query: 'x'.repeat(rpc_body_bytes_max) });
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ code: 'payload_too_large' });
    const text = await send('POST', '/rpc/lock', 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const broken = await send('POST', '/rpc/lock', '{"a":', {});
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toMatchObject({ code: 'invalid_input' });
  });

  it('serves the till profile, and the first-run state before enrollment', async () => {
    const profile = JSON.parse((await rpc('tillProfile', {})).body) as { enrolled: boolean; staff: unknown[] };
    // The fixture enrolled the ledger directly, without a device file: the host treats it as not enrolled.
    expect(profile).toMatchObject({ enrolled: false, staff: [] });
  });

  it('tells how to build the cashier app when it is not built', async () => {
    await app.close();
    await start(tempDir('payme-no-renderer-'));
    const page = await send('GET', '/');
    expect(page.status).toBe(503);
    expect(page.body).toContain('npm run build -w @payme/renderer');
  });
});
