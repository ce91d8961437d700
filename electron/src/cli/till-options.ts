/**
 * The `payme-till` command line (DESIGN §11), parsed without side effects so tests cover it:
 *   payme-till serve --server URL --data DIR [--port N] [--enroll-code CODE] [--name NAME] [--renderer DIR] [--json]
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
  --json                print one JSON line {till_url, enrolled, data_dir} once listening`;

export interface ServeOptions {
  server_url: string;
  data_dir: string;
  port: number;
  enroll_code: string | null;
  name: string;
  renderer_dir: string | null;
  json: boolean;
}

export type TillCommand = { command: 'help' } | ({ command: 'serve' } & ServeOptions);

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
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new PaymeError('invalid_input', error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: 'help' };
  if (positionals[0] !== 'serve' || positionals.length > 1) throw new PaymeError('invalid_input', `unknown command ${positionals.join(' ')}`, 'command');
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
    json: values.json,
  };
}
