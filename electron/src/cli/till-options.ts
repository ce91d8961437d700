/**
 * The `payme-till` command line (DESIGN §11), parsed without side effects so tests cover it:
 *   payme-till serve --server URL --data DIR [--port N] [--enroll-code CODE] [--name NAME] [--renderer DIR] [--json]
 *   payme-till backup --data DIR --to FILE
 *   payme-till restore --data DIR --from FILE [--force-offline] [--replace-unreadable]
 *   payme-till move-to-new-till --data DIR --code CODE
 *   payme-till diagnostics --data DIR --to FILE [--logs DIR]
 * Errors name the flag in the till's error shape.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PaymeError } from '@payme/shared';

export const default_till_port = 8790;

export const till_usage = `usage: payme-till serve --server URL --data DIR [--port ${default_till_port}] [options]
  --server URL          the sync server this till enrolls with and syncs to
  --data DIR            the till's data folder (its SQLite ledger and device token)
  --port N              loopback port of the browser host (0 picks a free one)
  --enroll-code CODE    enroll now with this one-time code, if the till is not enrolled yet
  --name NAME           this till's name at enrollment (default "Till")
  --renderer DIR        the built cashier app (default renderer/dist/till of this repository)
  --paper 58|80         the receipt paper's width in mm (default 80; 58 prints 32 columns)
  --json                print one JSON line {till_url, enrolled, data_dir} once listening

       payme-till backup --data DIR --to FILE
  a consistent copy of the till's ledger, also while the till runs (SQLite online backup)

       payme-till restore --data DIR --from FILE [--force-offline] [--replace-unreadable]
  puts a backup in place of the ledger (the replaced file is kept as till.db.replaced-<time>)
  and recovers from the server at once; the till must be stopped
  --force-offline       the server cannot be reached: sell in a new receipt series until it can
  --replace-unreadable  the current ledger cannot be read: restore without importing its changes

       payme-till move-to-new-till --data DIR --code CODE
  another PC kept this till's identity (the server fenced this one): enroll this PC as a new
  till with the owner's enrollment code and send its unsynced sales from there; the till must be stopped

       payme-till diagnostics --data DIR --to FILE [--logs DIR]
  one file for support, also while the till runs: versions, the enrollment (never the token),
  the ledger's verification and sync state, the backups and the newest log lines, with phone
  numbers and secrets masked
  --logs DIR            the folder of the till's *.log files (default DIR/logs)`;

export interface ServeOptions {
  server_url: string;
  data_dir: string;
  port: number;
  enroll_code: string | null;
  name: string;
  renderer_dir: string | null;
  /** Receipt paper width in mm (58 or 80); null: 80. */
  paper_mm: 58 | 80 | null;
  json: boolean;
}

export type TillCommand =
  | { command: 'help' }
  | ({ command: 'serve' } & ServeOptions)
  | { command: 'backup'; data_dir: string; to: string }
  | { command: 'restore'; data_dir: string; from: string; force_offline: boolean; replace_unreadable: boolean }
  | { command: 'move-to-new-till'; data_dir: string; code: string }
  | { command: 'diagnostics'; data_dir: string; to: string; logs_dir: string | null };

function requiredPath(value: string | undefined, flag: string, what: string, cwd: string): string {
  if (value === undefined || value.trim() === '') throw new PaymeError('invalid_input', `--${flag} is required: ${what}`, flag);
  return path.resolve(cwd, value);
}

function httpUrl(value: string | undefined, flag: string): string {
  if (value === undefined) throw new PaymeError('invalid_input', `--${flag} is required`, flag);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PaymeError('invalid_input', `--${flag} must be an http:// or https:// address, not ${JSON.stringify(value)}`, flag);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PaymeError('invalid_input', `--${flag} must be an http:// or https:// address`, flag);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** `--paper 58|80`: the receipt printer's paper width (the receipt lays itself out for it). */
export function parsePaper(value: string | undefined): 58 | 80 | null {
  if (value === undefined) return null;
  if (value === '58' || value === '80') return Number(value) as 58 | 80;
  throw new PaymeError('invalid_input', `--paper must be 58 or 80 (the receipt paper's width in mm), not ${JSON.stringify(value)}`, 'paper');
}

export function parsePort(value: string | undefined, fallback: number, flag = 'port'): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65_535) throw new PaymeError('invalid_input', `--${flag} must be a port number (0-65535), not ${JSON.stringify(value)}`, flag);
  return port;
}

export function parseTillCommand(argv: readonly string[], cwd: string): TillCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        server: { type: 'string' },
        data: { type: 'string' },
        port: { type: 'string' },
        'enroll-code': { type: 'string' },
        name: { type: 'string' },
        renderer: { type: 'string' },
        paper: { type: 'string' },
        json: { type: 'boolean', default: false },
        to: { type: 'string' },
        from: { type: 'string' },
        code: { type: 'string' },
        logs: { type: 'string' },
        'force-offline': { type: 'boolean', default: false },
        'replace-unreadable': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new PaymeError('invalid_input', error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: 'help' };
  if (positionals.length > 1 || !['serve', 'backup', 'restore', 'move-to-new-till', 'diagnostics'].includes(positionals[0]!)) {
    throw new PaymeError('invalid_input', `unknown command ${positionals.join(' ')}`, 'command');
  }
  const command = positionals[0]!;
  if (command === 'backup') return { command, data_dir: requiredPath(values.data, 'data', "the till's data folder", cwd), to: requiredPath(values.to, 'to', 'the backup file to write', cwd) };
  if (command === 'diagnostics') {
    return {
      command,
      data_dir: requiredPath(values.data, 'data', "the till's data folder", cwd),
      to: requiredPath(values.to, 'to', 'the diagnostics file to write', cwd),
      logs_dir: values.logs === undefined ? null : requiredPath(values.logs, 'logs', "the folder of the till's log files", cwd),
    };
  }
  if (command === 'restore') {
    return {
      command,
      data_dir: requiredPath(values.data, 'data', "the till's data folder", cwd),
      from: requiredPath(values.from, 'from', 'the backup file to restore', cwd),
      force_offline: values['force-offline'],
      replace_unreadable: values['replace-unreadable'],
    };
  }
  if (command === 'move-to-new-till') {
    const code = values.code?.trim() ?? '';
    if (code === '') throw new PaymeError('invalid_input', '--code is required: the enrollment code the owner issued for this PC', 'code');
    return { command, data_dir: requiredPath(values.data, 'data', "the till's data folder", cwd), code };
  }
  if (values.data === undefined || values.data.trim() === '') throw new PaymeError('invalid_input', '--data is required: the till\'s data folder', 'data');
  const name = (values.name ?? 'Till').trim();
  if (name === '' || name.length > 120) throw new PaymeError('invalid_input', '--name must be 1 to 120 characters', 'name');
  return {
    command: 'serve',
    server_url: httpUrl(values.server, 'server'),
    data_dir: path.resolve(cwd, values.data),
    port: parsePort(values.port, default_till_port),
    enroll_code: values['enroll-code']?.trim() || null,
    name,
    renderer_dir: values.renderer === undefined ? null : path.resolve(cwd, values.renderer),
    paper_mm: parsePaper(values.paper),
    json: values.json,
  };
}
