/**
 * `npm start`'s decisions, without side effects so tests cover them: where the demo keeps its
 * data (one folder, `.payme/demo` under the repository root, gitignored), which ports, which
 * programs exist (the server, the Daraja simulator, the Electron runtime), and what it prints.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PaymeError } from '@payme/shared';
import { z } from 'zod';
import { default_till_port, parsePort } from './till-options.js';

export const default_demo_dir = path.join('.payme', 'demo');
export const default_server_port = 8787;
export const default_sim_port = 8789;

export const start_usage = `usage: npm start [-- options]
  --dir DIR          where the demo keeps its data (default ${default_demo_dir} under the repository root; env PAYME_DEMO_DIR)
  --server-port N    sync server port (default ${default_server_port}; env PAYME_DEMO_SERVER_PORT)
  --sim-port N       Daraja simulator port (default ${default_sim_port}; env PAYME_DEMO_SIM_PORT)
  --till-port N      browser till port (default ${default_till_port}; env PAYME_DEMO_TILL_PORT)
  --browser          serve the till to a browser even when the Electron runtime is present`;

export interface StartOptions {
  demo_dir: string;
  server_port: number;
  sim_port: number;
  till_port: number;
  force_browser: boolean;
  help: boolean;
}

export function parseStartOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, repoRoot: string): StartOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        dir: { type: 'string' },
        'server-port': { type: 'string' },
        'sim-port': { type: 'string' },
        'till-port': { type: 'string' },
        browser: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new PaymeError('invalid_input', error instanceof Error ? error.message : String(error));
  }
  const dir = values.dir ?? env.PAYME_DEMO_DIR ?? default_demo_dir;
  const options: StartOptions = {
    demo_dir: path.resolve(repoRoot, dir),
    server_port: parsePort(values['server-port'] ?? env.PAYME_DEMO_SERVER_PORT, default_server_port, 'server-port'),
    sim_port: parsePort(values['sim-port'] ?? env.PAYME_DEMO_SIM_PORT, default_sim_port, 'sim-port'),
    till_port: parsePort(values['till-port'] ?? env.PAYME_DEMO_TILL_PORT, default_till_port, 'till-port'),
    force_browser: values.browser,
    help: values.help,
  };
  const ports = [options.server_port, options.sim_port, options.till_port].filter((port) => port !== 0);
  if (new Set(ports).size !== ports.length) throw new PaymeError('invalid_input', 'the server, simulator and till need three different ports', 'till-port');
  return options;
}

export interface DemoPaths {
  server_data: string;
  till_data: string;
  /** What `payme-server init --demo --json` printed on the first run: the logins (0600). */
  demo_file: string;
}

export function demoPaths(demoDir: string): DemoPaths {
  return { server_data: path.join(demoDir, 'server'), till_data: path.join(demoDir, 'till'), demo_file: path.join(demoDir, 'demo-logins.json') };
}

/** The fields of `payme-server init --demo --json` the demo relies on (DESIGN §11). */
export const demoInitSchema = z.looseObject({
  business_id: z.string().min(1),
  store_id: z.string().min(1),
  owner_email: z.string().min(1),
  owner_password: z.string().min(1),
  enrollment_code: z.string().min(1),
  cashier_pin: z.string().min(1),
  manager_pin: z.string().min(1),
  cashier_name: z.string().optional(),
  manager_name: z.string().optional(),
  business_name: z.string().optional(),
  manager_email: z.string().optional(),
  manager_password: z.string().optional(),
});
export type DemoInit = z.infer<typeof demoInitSchema>;

/** The last line of init's output that is a JSON object (it may log before it). */
export function parseInitOutput(stdout: string): DemoInit {
  const line = stdout
    .split('\n')
    .map((text) => text.trim())
    .reverse()
    .find((text) => text.startsWith('{'));
  if (line === undefined) throw new Error('payme-server init --demo --json printed no JSON object');
  const parsed = demoInitSchema.safeParse(JSON.parse(line));
  if (!parsed.success) throw new Error(`payme-server init --demo --json printed no ${parsed.error.issues[0]?.path.join('.') ?? 'usable object'}`);
  return parsed.data;
}

/** A workspace package's bin script, found through its node_modules link (no npx, no registry). */
export function workspaceBin(repoRoot: string, packageName: string, binName: string): string | null {
  const dir = path.join(repoRoot, 'node_modules', ...packageName.split('/'));
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) return null;
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> | string }).bin;
  const relative = typeof bin === 'string' ? bin : bin?.[binName];
  if (relative === undefined) return null;
  const file = path.join(dir, relative);
  return existsSync(file) ? file : null;
}

const electron_executables: Readonly<Record<string, string>> = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' };

/**
 * The Electron runtime, when it is really there: ELECTRON_OVERRIDE_DIST_PATH, or the binary the
 * `electron` package downloaded (its path.txt). Never `require('electron')`: outside Electron it
 * throws when the binary is missing, which is the normal case on these machines (DESIGN §9).
 */
export function findElectronBinary(env: Readonly<Record<string, string | undefined>>, electronPackageDir: string | null, platform: string, exists: (file: string) => boolean = existsSync): string | null {
  const executable = electron_executables[platform] ?? 'electron';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined && override !== '') {
    const file = path.join(override, executable);
    return exists(file) ? file : null;
  }
  if (electronPackageDir === null) return null;
  const pathFile = path.join(electronPackageDir, 'path.txt');
  if (!exists(pathFile)) return null;
  const file = path.join(electronPackageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return exists(file) ? file : null;
}

export function demoSummary(init: DemoInit, urls: { till: string; server: string; simulator: string | null }, tillKind: 'electron' | 'browser', demoDir: string): string {
  return [
    '',
    `PayMe demo shop "${init.business_name ?? 'Duka la Mfano'}" is running.`,
    tillKind === 'electron' ? '  Till:        the Electron window' : `  Till:        ${urls.till}   (open it in a browser; no Electron runtime here)`,
    `  Owner view:  ${urls.server}/   (open it in a browser and sign in with the owner login)`,
    `  Daraja sim:  ${urls.simulator ?? 'not started (payme-daraja-sim not found)'}`,
    '',
    `  Owner login:    ${init.owner_email} / ${init.owner_password}`,
    ...(init.manager_email && init.manager_password ? [`  Manager login:  ${init.manager_email} / ${init.manager_password}   (the owner view without settings and staff)`] : []),
    `  Cashier PIN:    ${init.cashier_pin}${init.cashier_name ? `   (${init.cashier_name}: pick this name on the till)` : ''}`,
    `  Manager PIN:    ${init.manager_pin}${init.manager_name ? `   (${init.manager_name}: approves refunds, voids and discounts)` : ''}`,
    '',
    `  Data: ${demoDir} (kept between runs; delete the folder to start over)`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}
