import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/ledger-fixture.js';

const bin = path.resolve(import.meta.dirname, '../../bin/payme-till.mjs');

describe('payme-till serve (a real process)', () => {
  it('serves an unenrolled till on loopback, reports it, and stops cleanly on SIGTERM', async () => {
    const data = tempDir('payme-serve-');
    const child = spawn(process.execPath, [bin, 'serve', '--server', 'http://127.0.0.1:9', '--data', data, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error('payme-till exited before listening')));
    });
    const ready = JSON.parse(line) as { till_url: string; enrolled: boolean; data_dir: string };
    expect(ready).toMatchObject({ enrolled: false, data_dir: data });
    expect(ready.till_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const profile = await fetch(new URL('rpc/tillProfile', ready.till_url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(await profile.json()).toMatchObject({ enrolled: false, staff: [], server_url: 'http://127.0.0.1:9' });
    const enroll = await fetch(new URL('rpc/enroll', ready.till_url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ server_url: 'http://127.0.0.1:9', code: 'ABCD-EFGH', name: 'Till' }) });
    expect(enroll.status).toBe(503);
    expect(await enroll.json()).toMatchObject({ code: 'offline', field: 'server_url' });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('stops cleanly when the process that started it is gone (its stdin closes), as under npm start', async () => {
    const data = tempDir('payme-serve-');
    const child = spawn(process.execPath, [bin, 'serve', '--server', 'http://127.0.0.1:9', '--data', data, '--port', '0', '--json'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PAYME_STOP_WITH_PARENT: '1' },
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error('payme-till exited before listening')));
    });
    child.stdin.end();
    expect(await exited).toBe(0);
  });
});
