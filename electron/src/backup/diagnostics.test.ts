/**
 * `payme-till diagnostics` on real till files: the bundle is taken while the ledger is open and
 * selling, carries the ledger's verification and sync state, and holds no device token, phone
 * number or PIN, wherever they were planted (device file, log lines as text and as JSON).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cashSale, createTestTill, ids } from '../../test/ledger-fixture.js';
import { deviceFilePath, writeTillDevice } from '../host/device-file.js';
import { parseTillCommand } from '../cli/till-options.js';
import { diagnostics_format, writeDiagnostics } from './diagnostics.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'payme-diag-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const token = 'pmd_Zq81xWv0Lk3mN7pR2sT5uY9aB4cD6eF8';
const enrollment = { till_id: ids.till, epoch: 1, server_public_key: 'ab'.repeat(32), business_id: ids.business, store_id: ids.store, receipt_prefix: 'T1' };

describe('payme-till diagnostics', () => {
  it('takes the bundle from a selling till: versions, enrollment, ledger check and sync state, backups, log tails, and nothing secret', async () => {
    const t = createTestTill();
    cleanups.push(() => t.cleanup());
    for (let i = 0; i < 3; i += 1) cashSale(t, [{ product_id: ids.soap, quantity: 1 }]);
    t.ledger.markAcked(1, (t.ledger.eventsFrom(1, 1)[0] as { hash: string }).hash);
    writeTillDevice(t.dir, { server_url: 'http://127.0.0.1:9', enrollment: { ...enrollment, device_token: token }, shop_name: 'Duka', enrolled_at: '2026-11-26T05:00:00.000Z' });
    mkdirSync(path.join(t.dir, 'logs'));
    writeFileSync(
      path.join(t.dir, 'logs', 'till.log'),
      [
        'old line',
        `sync: push refused for Bearer ${token}`,
        'M-Pesa prompt sent to 0722 111 222 for sale T1-000003',
        JSON.stringify({ level: 30, msg: 'approval', pin: '4321', customer: { phone: '254712345678' } }),
        '',
      ].join('\n'),
    );
    const to = path.join(scratch(), 'diag.json');
    const result = await writeDiagnostics({ data_dir: t.dir, to });
    // The till is still selling on its open ledger afterwards.
    cashSale(t, [{ product_id: ids.soap, quantity: 1 }]);

    expect(result).toMatchObject({ file: to, ledger_ok: true, differences: 0 });
    expect(statSync(to).mode & 0o777).toBe(0o600);
    const text = readFileSync(to, 'utf8');
    for (const secret of [token, token.slice(4), '0722 111 222', '0722111222', '254712345678', '4321']) expect(text).not.toContain(secret);
    const bundle = JSON.parse(text);
    expect(bundle).toMatchObject({
      format: diagnostics_format,
      versions: { node: process.versions.node },
      device: { enrolled: true, file_mode: '0600', server_url: 'http://127.0.0.1:9', till_id: ids.till, token_storage: 'in clear, in a 0600 file' },
      ledger: { ok: true, unreadable: null, differences: 0, state: { till_id: ids.till, acked_seq: 1, unsynced_events: 3, quarantined_events: 0 } },
      backups: { count: 0, offsite_dir: null },
      logs: { found: true },
    });
    // The shift the first sale opened, then three sales.
    expect(bundle.ledger.state.chain_head.seq).toBe(4);
    const lines: string[] = bundle.logs.files[0].lines;
    expect(bundle.logs.files[0].name).toBe('till.log');
    expect(lines[0]).toBe('old line');
    expect(lines[1]).toBe('sync: push refused for Bearer [redacted]');
    expect(lines[2]).toBe('M-Pesa prompt sent to 0722*****22 for sale T1-000003');
    expect(JSON.parse(lines[3]!)).toEqual({ level: 30, msg: 'approval', pin: '[redacted]', customer: { phone: '[redacted]' } });
  });

  it('says a sealed token is sealed without copying it, and still writes a bundle for a ledger that cannot be read', async () => {
    const dir = scratch();
    const sealed = 'c2VhbGVkLWJsb2ItdGhhdC1tdXN0LW5vdC1sZWF2ZQ';
    writeFileSync(deviceFilePath(dir), JSON.stringify({ server_url: 'http://127.0.0.1:9', enrollment, device_token_sealed: sealed, shop_name: 'Duka', enrolled_at: '2026-11-26T05:00:00.000Z' }), { mode: 0o600 });
    writeFileSync(path.join(dir, 'till.db'), 'this is not a database, it was overwritten');
    const to = path.join(scratch(), 'diag.json');
    const result = await writeDiagnostics({ data_dir: dir, to });
    expect(result).toMatchObject({ ledger_ok: false });
    const text = readFileSync(to, 'utf8');
    expect(text).not.toContain(sealed);
    const bundle = JSON.parse(text);
    expect(bundle.device.token_storage).toBe('sealed (OS keyring)');
    expect(bundle.ledger).toMatchObject({ ok: false, state: null });
    expect(bundle.ledger.unreadable).toMatch(/cannot be backed up/);
    expect(bundle.logs).toMatchObject({ found: false });
  });

  it('refuses a --to that exists, naming the flag, and leaves it as it was; the command line takes --data, --to and --logs', async () => {
    const dir = scratch();
    const to = path.join(dir, 'taken.json');
    writeFileSync(to, 'keep me');
    await expect(writeDiagnostics({ data_dir: dir, to })).rejects.toMatchObject({ code: 'invalid_input', field: 'to' });
    expect(readFileSync(to, 'utf8')).toBe('keep me');
    await expect(writeDiagnostics({ data_dir: path.join(dir, 'nope'), to: path.join(dir, 'new.json') })).rejects.toMatchObject({ field: 'data' });
    expect(parseTillCommand(['diagnostics', '--data', 'd', '--to', 'out.json', '--logs', 'l'], '/shop')).toEqual({ command: 'diagnostics', data_dir: '/shop/d', to: '/shop/out.json', logs_dir: '/shop/l' });
    expect(() => parseTillCommand(['diagnostics', '--data', 'd'], '/shop')).toThrow(/--to/);
  });
});
