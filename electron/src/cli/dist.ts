/**
 * `npm run dist [-- electron-builder flags]`: the till's installers (electron-builder.yml at the
 * top level), and the signed update manifests beside them.
 *
 *   1. builds the cashier app (renderer/dist/till) and bundles Electron main and preload;
 *   2. stages the app in electron/dist/app: main.mjs, preload.cjs, renderer/ beside main, the
 *      update publisher's public key, and a package.json whose only dependency is
 *      better-sqlite3 at the version this repository locks, installed there without its scripts;
 *   3. runs electron-builder, which rebuilds better-sqlite3 for Electron in that staged copy
 *      (the repository's node_modules keeps Node's build) and downloads Electron itself;
 *   4. signs every update manifest it wrote (Ed25519, PAYME_UPDATE_SIGNING_KEY), with the
 *      staged-rollout percentage.
 *
 *   npm run dist -- --linux                       one platform (electron-builder's flags)
 *   npm run dist -- --sign-only DIR --staging 10  re-sign DIR's manifests (raise the rollout)
 *   npm run dist -- --sign-only DIR --rollback    mark DIR's manifests as a signed rollback
 *   npm run dist -- --new-update-key              print a new Ed25519 key pair for the publisher
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { buildElectron } from './build-electron.js';
import { generatePublisherKey, manifest_signature_field, parsePublisherKey, publisherKeyFromSecret, publisher_key_file_name, signManifest, type PublisherKey } from '../update/manifest-signature.js';

const till_root = path.resolve(import.meta.dirname, '../..');
const repository_root = path.resolve(till_root, '..');
export const staged_app_dir = path.join(till_root, 'dist/app');
export const installers_dir = path.join(till_root, 'dist/installers');

function readJsonFile<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** The staged app's package.json: what electron-builder names the app and installs in it. */
export function stagedAppPackage(input: { version: string; better_sqlite3: string }): Record<string, unknown> {
  return {
    name: 'payme-till',
    productName: 'PayMe Till',
    version: input.version,
    description: 'PayMe POS till',
    author: { name: 'PayMe POS' },
    license: 'UNLICENSED',
    private: true,
    main: 'main.mjs',
    dependencies: { 'better-sqlite3': input.better_sqlite3 },
  };
}

/** The publisher key from the environment: PAYME_UPDATE_PUBLIC_KEY, or derived from the signing key; both must agree. */
export function publisherKeyFromEnvironment(env: Readonly<Record<string, string | undefined>>): PublisherKey | null {
  const fromSecret = env.PAYME_UPDATE_SIGNING_KEY ? publisherKeyFromSecret(env.PAYME_UPDATE_SIGNING_KEY) : null;
  const given = env.PAYME_UPDATE_PUBLIC_KEY ? parsePublisherKey({ public_key: env.PAYME_UPDATE_PUBLIC_KEY.trim().toLowerCase() }) : null;
  if (env.PAYME_UPDATE_PUBLIC_KEY && given === null) throw new Error('PAYME_UPDATE_PUBLIC_KEY must be 64 hex digits (an Ed25519 public key)');
  if (given !== null && fromSecret !== null && given.public_key !== fromSecret.public_key) {
    throw new Error('PAYME_UPDATE_PUBLIC_KEY is not the public key of PAYME_UPDATE_SIGNING_KEY: the installed tills would refuse every update this build signs');
  }
  return given ?? fromSecret;
}

/** Which files in an electron-builder output folder are update manifests. */
export function isUpdateManifest(name: string): boolean {
  return /^[a-z][a-z0-9-]*\.yml$/.test(name) && name !== 'builder-debug.yml' && name !== 'builder-effective-config.yaml';
}

/**
 * Signs every update manifest in `dir` in place, setting the rollout percentage and, for a
 * rollback, `payme_rollback: true` (update-policy.ts takes an older version only then).
 */
export function signUpdateManifests(dir: string, secretKey: string, options: { staging_percentage: number; rollback: boolean }): string[] {
  if (!Number.isInteger(options.staging_percentage) || options.staging_percentage < 1 || options.staging_percentage > 100) {
    throw new Error(`--staging must be a whole percentage from 1 to 100, not ${options.staging_percentage}`);
  }
  const signed: string[] = [];
  for (const name of readdirSync(dir).filter(isUpdateManifest).sort()) {
    const file = path.join(dir, name);
    const manifest = load(readFileSync(file, 'utf8'));
    if (typeof manifest !== 'object' || manifest === null || typeof (manifest as { version?: unknown }).version !== 'string') continue;
    const { [manifest_signature_field]: _old, payme_rollback: _rollback, ...rest } = manifest as Record<string, unknown>;
    const content = { ...rest, stagingPercentage: options.staging_percentage, ...(options.rollback ? { payme_rollback: true } : {}) };
    writeFileSync(file, dump(signManifest(content, secretKey), { lineWidth: -1 }));
    signed.push(file);
  }
  if (signed.length === 0) throw new Error(`${dir} holds no update manifest (latest*.yml) to sign`);
  return signed;
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

async function stageApp(key: PublisherKey | null): Promise<void> {
  const rendererDir = path.join(repository_root, 'renderer/dist/till');
  run('npm', ['run', 'build', '-w', '@payme/renderer'], repository_root);
  const main = await buildElectron();
  rmSync(staged_app_dir, { recursive: true, force: true });
  mkdirSync(staged_app_dir, { recursive: true });
  for (const file of ['main.mjs', 'preload.cjs']) cpSync(path.join(path.dirname(main), file), path.join(staged_app_dir, file));
  cpSync(rendererDir, path.join(staged_app_dir, 'renderer'), { recursive: true });
  if (key !== null) writeFileSync(path.join(staged_app_dir, publisher_key_file_name), `${JSON.stringify({ public_key: key.public_key, key_id: key.key_id })}\n`);
  const version = readJsonFile<{ version: string }>(path.join(repository_root, 'package.json')).version;
  const sqlite = readJsonFile<{ version: string }>(path.join(repository_root, 'node_modules/better-sqlite3/package.json')).version;
  writeFileSync(path.join(staged_app_dir, 'package.json'), `${JSON.stringify(stagedAppPackage({ version, better_sqlite3: sqlite }), null, 2)}\n`);
  // Its install script would build for Node; electron-builder rebuilds it for Electron next.
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock', '--no-audit', '--no-fund', '--workspaces=false'], staged_app_dir);
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  if (args.includes('--new-update-key')) {
    const key = generatePublisherKey();
    process.stdout.write(`${JSON.stringify(key)}\n# keep secret_key secret (PAYME_UPDATE_SIGNING_KEY); public_key goes into every build (PAYME_UPDATE_PUBLIC_KEY)\n`);
    return;
  }
  const staging = Number(option(args, '--staging') ?? '100');
  const rollback = args.includes('--rollback');
  if (rollback) args.splice(args.indexOf('--rollback'), 1);
  const signOnly = option(args, '--sign-only');
  const secret = process.env.PAYME_UPDATE_SIGNING_KEY;
  if (signOnly !== undefined) {
    if (!secret) throw new Error('--sign-only needs PAYME_UPDATE_SIGNING_KEY');
    for (const file of signUpdateManifests(path.resolve(signOnly), secret, { staging_percentage: staging, rollback })) process.stdout.write(`signed ${file}\n`);
    return;
  }
  if (!process.env.PAYME_UPDATE_URL?.startsWith('https://')) throw new Error('PAYME_UPDATE_URL must be the https:// folder the installers and latest*.yml are uploaded to');
  const key = publisherKeyFromEnvironment(process.env);
  if (key === null) process.stderr.write('dist: no PAYME_UPDATE_SIGNING_KEY or PAYME_UPDATE_PUBLIC_KEY: this build installs no update (a test build)\n');
  await stageApp(key);
  run(path.join(repository_root, 'node_modules/.bin/electron-builder'), ['--config', 'electron-builder.yml', '--publish', 'never', ...args], repository_root);
  if (secret && existsSync(installers_dir)) {
    for (const file of signUpdateManifests(installers_dir, secret, { staging_percentage: staging, rollback })) process.stdout.write(`signed ${file}\n`);
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`dist: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
