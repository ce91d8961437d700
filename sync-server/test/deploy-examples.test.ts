/**
 * The deployment examples in deploy/ (issue 15) hold together: the systemd unit passes
 * `systemd-analyze verify` (paths pointed at this checkout; a warning fails it, a misspelt key is
 * shown to), runs this checkout's `payme-server` on the port both proxy examples forward to;
 * the environment file sets only variables sync-server/README.md documents, and trusts the proxy
 * on this machine; both proxies refuse /metrics, pass X-Forwarded-For and do not buffer the feed.
 * `nginx -t` and `caddy adapt` run when those programs are installed (they are not in CI: the
 * test says so).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo_root = fileURLToPath(new URL('../../', import.meta.url));
const deploy = (name: string) => readFileSync(path.join(repo_root, 'deploy', name), 'utf8');
const unit = deploy('payme-server.service');
const envExample = deploy('payme-server.env.example');
const caddy = deploy('Caddyfile');
const nginx = deploy('nginx.conf');
const onPath = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const scratch = mkdtempSync(path.join(tmpdir(), 'payme-deploy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The unit with its install paths pointed at this checkout and this Node, so verify finds them. */
function localUnit(text: string): string {
  const envFile = path.join(scratch, 'payme-server.env');
  writeFileSync(envFile, envExample);
  return text.replaceAll('/usr/bin/node', process.execPath).replaceAll('/opt/payme/', repo_root).replace('EnvironmentFile=/etc/payme/payme-server.env', `EnvironmentFile=${envFile}`);
}

function verifyUnit(text: string): { status: number | null; output: string } {
  const file = path.join(scratch, 'payme-server.service');
  writeFileSync(file, text);
  const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const hasSystemdAnalyze = onPath('systemd-analyze');
if (!hasSystemdAnalyze) console.warn('[deploy-examples] systemd-analyze verify is not run: systemd-analyze is not on this machine (the unit is still read below).');

describe('deploy/ examples', () => {
  it.runIf(hasSystemdAnalyze)('systemd-analyze verify passes the unit without a warning, and names a misspelt key', () => {
    const clean = verifyUnit(localUnit(unit));
    expect(clean.output).toBe('');
    expect(clean.status).toBe(0);
    const misspelt = verifyUnit(localUnit(unit.replace('ProtectHome=', 'ProtectHoem=')));
    expect(misspelt.output).toMatch(/Unknown key 'ProtectHoem'/);
  });

  it("the unit runs this checkout's payme-server (migrate, then serve on loopback 8787) from the environment file", () => {
    const exec = (key: string) => new RegExp(`^${key}=(\\S+) (\\S+) (.+)$`, 'm').exec(unit);
    const start = exec('ExecStart');
    const migrate = exec('ExecStartPre');
    expect(start?.[3]).toBe('serve --host 127.0.0.1 --port 8787 --data /var/lib/payme');
    expect(migrate?.[3]).toBe('migrate --data /var/lib/payme');
    for (const line of [start, migrate]) expect(existsSync(path.join(repo_root, String(line?.[2]).replace('/opt/payme/', '')))).toBe(true);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/payme\/payme-server\.env$/m);
    expect(unit).toMatch(/^User=payme$/m);
    expect(unit).toMatch(/^ReadWritePaths=\/var\/lib\/payme$/m);
  });

  it('the environment file sets only documented variables, and trusts the proxy on this machine', () => {
    const readme = readFileSync(path.join(repo_root, 'sync-server', 'README.md'), 'utf8');
    const set = [...envExample.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((match) => ({ name: match[1] ?? '', value: match[2] ?? '' }));
    expect(set.map((each) => each.name)).toEqual(expect.arrayContaining(['DATABASE_URL', 'PAYME_AUDIT_SIGNING_KEY', 'PAYME_MASTER_KEY', 'PAYME_TRUST_PROXY', 'PAYME_COOKIE_SECURE']));
    for (const { name } of set) expect(readme, `${name} in sync-server/README.md's configuration table`).toContain(`| \`${name}\` |`);
    expect(set.find((each) => each.name === 'PAYME_TRUST_PROXY')?.value).toBe('127.0.0.1');
    expect(set.find((each) => each.name === 'PAYME_COOKIE_SECURE')?.value).toBe('1');
  });

  it('both proxies forward to that port over TLS, refuse /metrics, pass X-Forwarded-For and do not buffer the live feed', () => {
    expect(nginx).toMatch(/server 127\.0\.0\.1:8787;/);
    expect(nginx).toMatch(/listen 443 ssl;/);
    expect(nginx).toMatch(/location = \/metrics \{\s*return 404;\s*\}/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
    expect(nginx).toMatch(/proxy_buffering off;/);
    expect(nginx).toMatch(/client_max_body_size 256k;/);
    // Caddy serves TLS for a site name by itself and sets X-Forwarded-For and -Proto itself.
    expect(caddy).toMatch(/^pos\.example\.com \{/m);
    expect(caddy).toMatch(/reverse_proxy 127\.0\.0\.1:8787/);
    expect(caddy).toMatch(/respond \/metrics 404/);
    expect(caddy).toMatch(/flush_interval -1/);
  });

  const hasNginx = onPath('nginx');
  const hasCaddy = onPath('caddy');
  if (!hasNginx) console.warn('[deploy-examples] nginx -t is not run: nginx is not on this machine');
  if (!hasCaddy) console.warn('[deploy-examples] caddy adapt is not run: caddy is not on this machine');
  it.runIf(hasCaddy)('caddy adapt reads the Caddyfile', () => {
    const result = spawnSync('caddy', ['adapt', '--config', path.join(repo_root, 'deploy', 'Caddyfile'), '--adapter', 'caddyfile'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
  });
  it.runIf(hasNginx)('nginx -t reads nginx.conf (certificate paths aside)', () => {
    const site = nginx.replace(/ssl_certificate(_key)? [^;]+;/g, '');
    const conf = path.join(scratch, 'nginx-test.conf');
    writeFileSync(conf, `pid ${scratch}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n${site.replace(/listen 443 ssl;/g, 'listen 443;').replace(/listen \[::\]:443 ssl;/g, 'listen [::]:443;')}\n}\n`);
    const result = spawnSync('nginx', ['-t', '-c', conf], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
  });
});
