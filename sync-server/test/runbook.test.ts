/**
 * docs/runbook.md cannot rot (issue 15): every shell command in its ```sh blocks runs, in the
 * file's order, against a demo server process on PostgreSQL, with the names the runbook defines
 * (DATA, DATABASE_URL, SERVER, OWNER_TOKEN, BACKUP, NEW_DATABASE_URL, NEW_DATA, TILL_DATA) set,
 * and must exit 0. A command marked `# needs: …` (systemd, the public proxy, a shop PC, the
 * release machine) runs its program's `--help` instead, and the test names it. The runbook must
 * also carry every entry the issue lists, each incident with symptoms, a confirming command and
 * a fix.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshPostgres } from './support/index.js';
import { httpJson, payme_server_bin, startServerProcess, type ServerProcess } from './support/server-process.js';

const repo_root = fileURLToPath(new URL('../../', import.meta.url));
const runbook_file = path.join(repo_root, 'docs', 'runbook.md');
const runbook = readFileSync(runbook_file, 'utf8');

export interface RunbookCommand {
  line: number;
  command: string;
  /** What real infrastructure it needs (`# needs: …`), or null when the test runs it as written. */
  needs: string | null;
}

/** Every command of the runbook's ```sh blocks, one a line (a trailing backslash continues it). */
export function runbookCommands(text: string): RunbookCommand[] {
  const out: RunbookCommand[] = [];
  let inBlock = false;
  let pending: { line: number; text: string } | null = null;
  text.split('\n').forEach((raw, index) => {
    if (/^```sh\s*$/.test(raw)) return void (inBlock = true);
    if (/^```\s*$/.test(raw)) return void (inBlock = false);
    if (!inBlock || raw.trim() === '' || raw.trim().startsWith('#')) return;
    const joined: { line: number; text: string } = pending ? { line: pending.line, text: `${pending.text} ${raw.trim()}` } : { line: index + 1, text: raw.trim() };
    if (joined.text.endsWith('\\')) return void (pending = { line: joined.line, text: joined.text.slice(0, -1).trim() });
    pending = null;
    const needs = /\s#\s*needs:\s*(.+)$/.exec(joined.text);
    out.push({ line: joined.line, command: needs ? joined.text.slice(0, needs.index).trim() : joined.text, needs: needs?.[1]?.trim() ?? null });
  });
  return out;
}

/** The program of a command that needs real infrastructure, asked for its `--help`: `npx payme-till --help`, `systemctl --help`. */
export function helpCommand(command: string): { program: string; args: string[]; lists?: string } {
  const words = command.split(/\s+/).filter((word) => !/^[A-Z_][A-Z0-9_]*=/.test(word));
  if (words[0] === 'sudo') words.shift();
  const [program = '', next = '', script = ''] = words;
  if (program === 'npx') return { program, args: [next, '--help'] };
  // `npm run SCRIPT`: npm lists the scripts, which must name it.
  if (program === 'npm' && next === 'run') return { program, args: ['run'], lists: script };
  return { program, args: ['--help'] };
}

/**
 * The environment of IT's shell: this process's, without what npm put in it for the test run
 * (`npm test --silent` sets npm_config_loglevel=silent, which makes a bare `npm run` list nothing).
 */
export function shellEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^npm_/i.test(name)) out[name] = value;
  return { ...out, ...extra };
}

const incident_entries = [
  'Sync stalled',
  'Callbacks missing',
  'Chain verify failed',
  'Cloned till detected',
  'Disk full on a till',
  'Lost device token',
  'Server release rollback',
  'Till update rollback',
  'Restoring a till',
  'Restoring the server',
];

function section(title: string): string {
  const start = runbook.indexOf(`\n## ${title}`);
  if (start < 0) return '';
  const end = runbook.indexOf('\n## ', start + 4);
  return runbook.slice(start, end < 0 ? undefined : end);
}

describe('docs/runbook.md: what it must hold', () => {
  it('has the install, backup, metrics and keys sections and every incident entry with symptoms, a confirming command and a fix', () => {
    for (const title of ['Install and run the sync server on PostgreSQL', 'Backups', 'Metrics and alarms', 'Keys: where they live, rotation, putting them back']) {
      expect(section(title), title).not.toBe('');
    }
    expect(section('Keys: where they live, rotation, putting them back')).toMatch(/Master key rotation/);
    for (const title of incident_entries.filter((each) => each !== 'Server release rollback')) {
      const body = section(title);
      expect(body, `runbook entry "${title}"`).toMatch(/- Symptoms:/);
      expect(body, `runbook entry "${title}"`).toMatch(/- Confirm:/);
      expect(body, `runbook entry "${title}"`).toMatch(/- Fix/);
    }
    expect(section('Server release rollback')).toMatch(/```sh/);
  });

  it('names every metric the server exports and every alarm kind the owner sees', () => {
    const metricsSource = readFileSync(path.join(repo_root, 'sync-server', 'src', 'http', 'metrics.ts'), 'utf8');
    const exported = [...metricsSource.matchAll(/name: '(payme_[a-z_]+)'|tillGauge\('(payme_[a-z_]+)'/g)].map((match) => match[1] ?? match[2]);
    expect(exported.length).toBeGreaterThanOrEqual(10);
    const alarmsSource = readFileSync(path.join(repo_root, 'sync-server', 'src', 'reports', 'alarms.ts'), 'utf8');
    const kinds = [...alarmsSource.matchAll(/kind: '([a-z_]+)'/g)].map((match) => match[1]);
    expect(kinds.length).toBeGreaterThanOrEqual(6);
    const metrics = section('Metrics and alarms');
    for (const name of [...exported, ...kinds]) expect(metrics, `${name} in the runbook's "Metrics and alarms"`).toContain(`\`${name}`);
  });

  it('reads its commands: a needs mark, a continued line, the help of each program', () => {
    const commands = runbookCommands('```sh\ncurl -fsS "$SERVER/readyz"\nsudo systemctl restart x  # needs: systemd\nA=1 npx payme-till backup \\\n  --data D\n```\n');
    expect(commands).toEqual([
      { line: 2, command: 'curl -fsS "$SERVER/readyz"', needs: null },
      { line: 3, command: 'sudo systemctl restart x', needs: 'systemd' },
      { line: 4, command: 'A=1 npx payme-till backup --data D', needs: null },
    ]);
    expect(helpCommand('sudo systemctl restart x')).toEqual({ program: 'systemctl', args: ['--help'] });
    expect(helpCommand('A=1 npx payme-till backup --data D')).toEqual({ program: 'npx', args: ['payme-till', '--help'] });
    expect(helpCommand('K=x npm run dist -- --rollback')).toEqual({ program: 'npm', args: ['run'], lists: 'dist' });
  });
});

const database_url = process.env.TEST_DATABASE_URL;
if (!database_url) console.warn('[runbook] the runbook\'s commands are not run: TEST_DATABASE_URL is not set (the runbook is for a server on PostgreSQL).');

describe.runIf(database_url)('docs/runbook.md: every command runs against a demo server on PostgreSQL', { timeout: 420_000 }, () => {
  let root: string;
  let source: { url: string; drop(): Promise<void> };
  let target: { url: string; drop(): Promise<void> };
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'payme-runbook-'));
    source = await createFreshPostgres(database_url!);
    target = await createFreshPostgres(database_url!);
    const data = path.join(root, 'data');
    const init = spawnSync(process.execPath, [payme_server_bin, 'init', '--demo', '--json', '--data', data], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: source.url },
      timeout: 120_000,
    });
    expect(init.status, init.stderr).toBe(0);
    const demo = JSON.parse(init.stdout) as { owner_email: string; owner_password: string };
    server = await startServerProcess({ data, env: { DATABASE_URL: source.url }, log_file: path.join(root, 'server.log') });
    const login = await httpJson(`${server.url}/v1/auth/login`, { method: 'POST', body: { email: demo.owner_email, password: demo.owner_password } });
    expect(login.status).toBe(200);
    env = {
      DATA: data,
      DATABASE_URL: source.url,
      SERVER: server.url,
      OWNER_TOKEN: String(login.body.token),
      BACKUP: path.join(root, 'payme.backup'),
      NEW_DATABASE_URL: target.url,
      NEW_DATA: path.join(root, 'new-data'),
      TILL_DATA: path.join(root, 'till'),
    };
  });
  afterAll(async () => {
    await server?.stop();
    await source?.drop();
    await target?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('each command exits 0; those that need real infrastructure answer --help, and are named', () => {
    const commands = runbookCommands(runbook);
    expect(commands.length).toBeGreaterThan(20);
    const asHelp: string[] = [];
    const notHere: string[] = [];
    for (const each of commands) {
      const where = `docs/runbook.md:${each.line}: ${each.command}`;
      if (each.needs !== null) {
        const help = helpCommand(each.command);
        const found = spawnSync('sh', ['-c', `command -v ${help.program}`], { encoding: 'utf8' });
        if (found.status !== 0) {
          notHere.push(`${where} (needs ${each.needs}; ${help.program} is not on this machine)`);
          continue;
        }
        const result = spawnSync(help.program, help.args, { cwd: repo_root, encoding: 'utf8', env: shellEnvironment(), timeout: 60_000 });
        expect(result.status, `${where}: ${[help.program, ...help.args].join(' ')}\n${result.stderr}`).toBe(0);
        if (help.lists) expect(result.stdout, `${where}: npm run lists ${help.lists}`).toContain(help.lists);
        asHelp.push(`${where} (needs ${each.needs}: ran ${[help.program, ...help.args].join(' ')})`);
        continue;
      }
      const result = spawnSync('bash', ['-euo', 'pipefail', '-c', each.command], { cwd: repo_root, encoding: 'utf8', env: shellEnvironment(env), timeout: 120_000 });
      expect(result.status, `${where}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
    }
    console.log(`[runbook] ran ${commands.length - asHelp.length - notHere.length} commands as written;\n  as --help:\n    ${asHelp.join('\n    ')}\n  not run:\n    ${notHere.join('\n    ') || '(none)'}`);
    expect(asHelp.length + notHere.length).toBeLessThan(commands.length / 2);
  });
});
