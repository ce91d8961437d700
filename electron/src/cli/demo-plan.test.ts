import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/ledger-fixture.js';
import { demoPaths, demoSummary, findElectronBinary, parseInitOutput, parseStartOptions, workspaceBin } from './demo-plan.js';

const root = path.resolve('/repo');

describe('npm start options', () => {
  it('keeps the demo in .payme/demo under the repository root by default, on the documented ports', () => {
    expect(parseStartOptions([], {}, root)).toEqual({ demo_dir: path.join(root, '.payme/demo'), server_port: 8787, sim_port: 8789, till_port: 8790, force_browser: false, help: false });
    const paths = demoPaths(path.join(root, '.payme/demo'));
    expect(paths).toEqual({ server_data: path.join(root, '.payme/demo/server'), till_data: path.join(root, '.payme/demo/till'), demo_file: path.join(root, '.payme/demo/demo-logins.json') });
  });

  it('takes the folder and ports from flags or the environment, relative to the repository', () => {
    expect(parseStartOptions(['--dir', 'tmp/d', '--till-port', '9001', '--browser'], {}, root)).toMatchObject({ demo_dir: path.join(root, 'tmp/d'), till_port: 9001, force_browser: true });
    expect(parseStartOptions([], { PAYME_DEMO_DIR: '/data/demo', PAYME_DEMO_SERVER_PORT: '9100' }, root)).toMatchObject({ demo_dir: '/data/demo', server_port: 9100 });
    expect(parseStartOptions(['--server-port', '9200'], { PAYME_DEMO_SERVER_PORT: '9100' }, root).server_port).toBe(9200);
  });

  it('refuses bad ports, clashing ports and unknown flags, naming them', () => {
    expect(() => parseStartOptions(['--till-port', '70000'], {}, root)).toThrow(/--till-port must be a port number/);
    expect(() => parseStartOptions(['--sim-port', '8787'], {}, root)).toThrow(/three different ports/);
    expect(() => parseStartOptions(['--colour'], {}, root)).toThrow(/colour/);
  });
});

describe('demo init output', () => {
  const init = { business_id: 'b', store_id: 's', owner_email: 'o@x', owner_password: 'pw', enrollment_code: 'ABCD-EFGH-JKMN', cashier_pin: '1234', manager_pin: '5678', manager_email: 'm@x', manager_password: 'mpw', extra: 1 };

  it('reads the JSON object init prints, even after log lines', () => {
    expect(parseInitOutput(`migrating…\n${JSON.stringify(init)}\n`)).toMatchObject({ enrollment_code: 'ABCD-EFGH-JKMN', cashier_pin: '1234' });
  });

  it('says which field is missing, or that there is no JSON at all', () => {
    const { cashier_pin: _gone, ...partial } = init;
    expect(() => parseInitOutput(JSON.stringify(partial))).toThrow(/cashier_pin/);
    expect(() => parseInitOutput('error: database locked\n')).toThrow(/no JSON object/);
  });

  it('prints the till URL, the owner view URL and every login', () => {
    const text = demoSummary(parseInitOutput(JSON.stringify(init)), { till: 'http://127.0.0.1:8790/', server: 'http://127.0.0.1:8787', simulator: null }, 'browser', '/repo/.payme/demo');
    for (const part of ['http://127.0.0.1:8790/', 'Owner view:  http://127.0.0.1:8787/', 'o@x / pw', 'm@x / mpw', '1234', '5678', 'not started', '/repo/.payme/demo']) expect(text).toContain(part);
  });

  it('names whose PIN is whose (issue 17: the PINs were printed without names)', () => {
    const text = demoSummary(parseInitOutput(JSON.stringify({ ...init, cashier_name: 'Achieng Atieno', manager_name: 'Otieno Ouma' })), { till: 'x', server: 'y', simulator: null }, 'browser', '/d');
    expect(text).toMatch(/Cashier PIN: +1234 .*Achieng Atieno/);
    expect(text).toMatch(/Manager PIN: +5678 .*Otieno Ouma/);
  });
});

describe('finding programs', () => {
  it('finds a workspace bin through node_modules, and nothing when it is absent', () => {
    const repo = tempDir('payme-bins-');
    const pkg = path.join(repo, 'node_modules/@payme/sync-server');
    mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ bin: { 'payme-server': 'bin/payme-server.mjs', 'payme-daraja-sim': 'sim.mjs' } }));
    writeFileSync(path.join(pkg, 'bin/payme-server.mjs'), '');
    expect(workspaceBin(repo, '@payme/sync-server', 'payme-server')).toBe(path.join(pkg, 'bin/payme-server.mjs'));
    expect(workspaceBin(repo, '@payme/sync-server', 'payme-daraja-sim')).toBeNull(); // listed but not on disk
    expect(workspaceBin(repo, '@payme/sync-server', 'other')).toBeNull();
    expect(workspaceBin(repo, '@payme/missing', 'x')).toBeNull();
  });

  it('uses Electron only when its binary really exists', () => {
    const files = new Set<string>();
    const exists = (file: string) => files.has(file);
    expect(findElectronBinary({}, '/repo/node_modules/electron', 'linux', exists)).toBeNull();
    expect(findElectronBinary({}, null, 'linux', exists)).toBeNull();
    files.add('/opt/electron/electron');
    expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }, null, 'linux', exists)).toBe('/opt/electron/electron');
    expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }, null, 'win32', exists)).toBeNull();
  });

  it('reads the downloaded binary\'s path from the electron package', () => {
    const dir = tempDir('payme-electron-');
    writeFileSync(path.join(dir, 'path.txt'), 'electron');
    expect(findElectronBinary({}, dir, 'linux')).toBeNull(); // path.txt without dist/
    mkdirSync(path.join(dir, 'dist'));
    writeFileSync(path.join(dir, 'dist/electron'), '');
    expect(findElectronBinary({}, dir, 'linux')).toBe(path.join(dir, 'dist/electron'));
  });
});
