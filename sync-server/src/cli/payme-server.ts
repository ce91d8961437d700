/**
 * `payme-server` (DESIGN §11): serve, migrate, init --demo --json, audit verify.
 * Every subcommand takes `--data DIR` (default `.payme/server` under the working directory) and
 * uses PostgreSQL instead when DATABASE_URL is set. This is the process edge: the real clock,
 * the CSPRNG and the environment are read here and handed down.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { access } from 'node:fs/promises';
import { cryptoRandom, randomToken, systemClock } from '@payme/shared';
import { openDb, type Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { buildApp } from '../app.js';
import { loadOrCreateSigningKey, signingKeyFromHex, type SigningKey } from '../audit/signing-key.js';
import { AuditService } from '../audit/audit-log.js';
import { addCustomer, addProducts, addSetting, addStaff, createBusiness } from '../setup/business-setup.js';
import { demoCatalog } from '../setup/demo-catalog.js';
import { createEnrollmentCode } from '../auth/enrollment.js';
import { pglite_analyze_interval_ms, refreshPlannerStatistics } from '../db/planner-statistics.js';
import { resolveConfig } from '../config.js';
import { loadKeyring, master_key_file } from '../mpesa/master-key.js';
import { BackupError, backupServer, missingKeys, restoreServer } from './server-backup.js';
import { backupScheduleFromEnv, startScheduledBackups, type BackupSchedule } from './scheduled-backups.js';
import { askForBackup, DataFolderHeld, holdDataFolder, liveHolder, startControl, type Holder } from './data-holder.js';
import { rotateMasterKey } from '../mpesa/keys-rotate.js';
import { replayQuarantine } from '../quarantine/replay.js';
import { build_owner_view_hint, default_owner_view_dir, ownerViewBuilt } from '../owner-view/owner-view.js';
import { foldPendingEvents, rebuildRollups } from '../reports/rollup-catch-up.js';
import { resetPassword } from '../auth/password-reset.js';

const usage = `usage: payme-server <command> [options]
  serve [--port 8787] [--host 127.0.0.1] [--data DIR]   run the server (PGlite in DIR unless DATABASE_URL)
  migrate [--data DIR]                                  apply database migrations
  init --demo --json [--data DIR]                       create the demo business "Duka la Mfano"
  audit verify [--business ID] [--data DIR]             verify audit chains and signed checkpoints
  quarantine replay [--business ID] [--data DIR]       re-validate quarantined events and apply what passes now
  keys rotate [--data DIR]                              re-encrypt M-Pesa credentials under a new master key
  rollups rebuild [--business ID] [--data DIR]         recompute the owner's report rollups from the till events
  reset-password --email E [--business ID] [--data DIR] give an owner or manager a new password (printed once)
  backup --to FILE [--data DIR]                         back the database up (PGlite data folder or pg_dump) with the key references
  restore --from FILE [--data DIR]                      restore a backup into an empty server (empty --data folder or empty database)
Environment: DATABASE_URL, PAYME_AUDIT_SIGNING_KEY (64 hex), PAYME_MASTER_KEY, PAYME_COOKIE_SECURE=1, PAYME_TRUST_PROXY=ADDR, PAYME_HASH_THREADS=N,
  PAYME_METRICS_TOKEN (bearer token for /metrics from anywhere but direct loopback),
  PAYME_OWNER_VIEW_DIR (the built owner web view served at /; default renderer/dist/owner),
  PGlite only: PAYME_BACKUP_DIR (serve backs itself up there at start and every PAYME_BACKUP_EVERY_MINUTES, default 60,
  keeping the newest PAYME_BACKUP_KEEP, default 48)`;

const default_port = 8787;

interface Common {
  data: string;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const onPglite = () => !process.env.DATABASE_URL;

/**
 * On PGlite, takes the data folder for this process (data-holder.ts) or stops with the live
 * holder named; PostgreSQL needs no such thing. Returns what gives it back.
 */
async function hold(options: Common, command: string, control: Holder['control'] = null): Promise<() => Promise<void>> {
  if (!onPglite()) return async () => undefined;
  try {
    return await holdDataFolder(options.data, command, control, new Date(systemClock.now()).toISOString());
  } catch (error) {
    if (error instanceof DataFolderHeld) fail(`payme-server ${command}: ${error.message}`, 1);
    throw error;
  }
}

/** The database, held (PGlite) and migrated; closing it gives the data folder back. */
async function openFor(options: Common, command: string, migrated = true, control: Holder['control'] = null): Promise<Db> {
  const release = await hold(options, command, control);
  try {
    const db = await openDb({ dataDir: path.join(options.data, 'pglite') });
    if (migrated) await migrate(db).catch(async (error: unknown) => {
      await db.close();
      throw error;
    });
    const close = db.close.bind(db);
    return Object.assign(db, { close: () => close().finally(release) });
  } catch (error) {
    await release();
    throw error;
  }
}

async function signingKey(options: Common): Promise<SigningKey> {
  const fromEnv = process.env.PAYME_AUDIT_SIGNING_KEY;
  if (fromEnv) return signingKeyFromHex(fromEnv.trim().toLowerCase());
  return loadOrCreateSigningKey(options.data, cryptoRandom);
}

function ownerViewDir(): string {
  const fromEnv = process.env.PAYME_OWNER_VIEW_DIR;
  return fromEnv ? path.resolve(fromEnv) : default_owner_view_dir;
}

/** `PAYME_HASH_THREADS`: threads hashing passwords and PINs (default: cores − 1, at least 1). */
function hashThreadsFromEnv(): { hash_threads?: number } {
  const text = process.env.PAYME_HASH_THREADS;
  if (text === undefined || text === '') return {};
  const threads = Number(text);
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 64) fail(`PAYME_HASH_THREADS must be a whole number from 1 to 64, not ${text}`);
  return { hash_threads: threads };
}

/** `PAYME_METRICS_TOKEN`: what a scraper that is not on this machine's loopback sends (at least 24 characters). */
function metricsTokenFromEnv(): string | null {
  const token = process.env.PAYME_METRICS_TOKEN;
  if (token === undefined || token === '') return null;
  if (!/^[\x21-\x7e]{24,200}$/.test(token)) fail('PAYME_METRICS_TOKEN must be 24 to 200 printable characters without spaces (e.g. openssl rand -hex 32)');
  return token;
}

/**
 * PGlite 0.5.16 starts Postgres with fsync off (-F) and its Node filesystem's fsync does nothing
 * (electric-sql/pglite#1107), so a power cut can lose what was acknowledged, or leave a data
 * directory that does not start. Said at every start, where IT reads it.
 */
export const pglite_not_durable =
  'PGlite is NOT power-cut safe: it runs with fsync off, so a power cut (not a process kill) can lose acknowledged pushes and M-Pesa callbacks or leave the data directory unable to start. Run production on PostgreSQL (DATABASE_URL) with fsync on; on PGlite keep backups of the data directory (see sync-server/README.md)';

/** Rollups of events the previous release ingested (or all events, after the first migration). */
export const rollup_catch_up_interval_ms = 60_000;

async function serve(options: Common & { port: number; host: string }): Promise<void> {
  // On PGlite the server holds its data folder, and takes backups on request through a control
  // listener on loopback whose token only the holder file (0600) tells.
  let liveDb: Db | null = null;
  let liveKey: SigningKey | null = null;
  const takeLiveBackup = async (to: string) => {
    if (liveDb === null || liveKey === null) throw new Error('the server is still starting; try again in a moment');
    return backupServer({ to, pglite_dir: path.join(options.data, 'pglite'), live: liveDb, audit_signing_key: { key_id: liveKey.key_id, public_key: liveKey.publicKeyHex }, now: new Date(systemClock.now()).toISOString() });
  };
  let schedule: BackupSchedule | null = null;
  try {
    schedule = backupScheduleFromEnv(process.env);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const controlToken = randomToken(cryptoRandom, 32);
  const control = onPglite() ? await startControl(controlToken, takeLiveBackup) : null;
  // Closing the database gives the data folder back (openFor).
  const db = await openFor(options, 'serve', true, control && { port: control.port, token: controlToken });
  // Reports must not show a silent gap: what the rollups lack is folded before the first request.
  const folded = await foldPendingEvents(db, { onPage: (progress) => process.stderr.write(`payme-server: rollups: folded ${progress.events} events so far\n`) });
  if (folded.events > 0) process.stderr.write(`payme-server: rollups: folded ${folded.events} events the rollups lacked\n`);
  await refreshPlannerStatistics(db);
  const key = await signingKey(options);
  liveDb = db;
  liveKey = key;
  const app = await buildApp({
    db,
    clock: systemClock,
    random: cryptoRandom,
    config: {
      signing_key: key,
      cookie_secure: process.env.PAYME_COOKIE_SECURE === '1',
      trust_proxy: process.env.PAYME_TRUST_PROXY || false,
      metrics_token: metricsTokenFromEnv(),
      ...hashThreadsFromEnv(),
    },
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
    checkpointTimer: true,
    processMetrics: true,
    mpesa: { keyring: await loadKeyring({ env: process.env, data_dir: options.data }, cryptoRandom), start_worker: true },
    ownerViewDir: ownerViewDir(),
  });
  // A server of the previous release may still be ingesting beside this one during an upgrade.
  const catchUp = setInterval(() => {
    foldPendingEvents(db).catch((error: unknown) => app.log.error({ err: error }, 'rollup catch-up failed'));
  }, rollup_catch_up_interval_ms);
  catchUp.unref();
  const statistics = setInterval(() => {
    refreshPlannerStatistics(db).catch((error: unknown) => app.log.error({ err: error }, 'refreshing planner statistics failed'));
  }, pglite_analyze_interval_ms);
  statistics.unref();
  let stopBackups: (() => void) | null = null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopBackups?.();
    clearInterval(catchUp);
    clearInterval(statistics);
    app.log.info({ signal }, 'shutting down');
    // In-flight requests finish; new ones get 503; then the database closes.
    await app.close();
    await control?.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Started by `npm start` (electron/src/cli/parent-watch.ts): stop with it, however it ends; with
  // nobody left to SIGKILL a shutdown that hangs, end it after the same grace `npm start` gives.
  if (process.env['PAYME_STOP_WITH_PARENT'] === '1') process.stdin.once('end', () => stopWithoutParent()).resume();
  const address = await app.listen({ port: options.port, host: options.host });
  const viewDir = ownerViewDir();
  app.log.info({ address, database: db.kind, data: db.kind === 'pglite' ? options.data : undefined, audit_key_id: key.key_id }, 'payme-server listening');
  if (db.kind === 'pglite') app.log.warn({ database: 'pglite', durable: false }, pglite_not_durable);
  if (schedule !== null && db.kind === 'pglite') {
    const every = schedule;
    stopBackups = startScheduledBackups({
      schedule: every,
      take: async (file) => {
        await takeLiveBackup(file);
      },
      now: () => new Date(systemClock.now()).toISOString(),
      onDone: (file, removed) => app.log.info({ backup: file, removed, every_minutes: every.every_minutes, keep: every.keep }, 'scheduled backup written and checked'),
      onError: (error) => app.log.error({ err: error, backup_dir: every.dir }, 'scheduled backup failed'),
    });
  } else if (schedule !== null) {
    app.log.warn({ backup_dir: schedule.dir }, 'PAYME_BACKUP_DIR is for PGlite only: on PostgreSQL schedule payme-server backup (pg_dump) from cron, once for all servers (docs/runbook.md, Backups)');
  }
  if (ownerViewBuilt(viewDir)) app.log.info({ owner_view: `${address}/` }, 'owner web view served at /');
  else app.log.warn({ owner_view_dir: viewDir }, `the owner web view is not built. ${build_owner_view_hint}`);
}

async function runMigrate(options: Common): Promise<void> {
  const db = await openFor(options, 'migrate', false);
  try {
    const applied = await migrate(db);
    process.stdout.write(`${JSON.stringify({ applied, database: db.kind })}\n`);
  } finally {
    await db.close();
  }
}

function pin(): string {
  return String(cryptoRandom.int(0, 9999)).padStart(4, '0');
}

/** An invented KRA PIN (the format is real: P, nine digits, a letter). */
const demo_kra_pin = 'P051234567X';
const demo_customers = [
  { name: 'Mama Wanjiku', phone: '254722111222', credit_limit_cents: 500_000 },
  { name: 'Baba Otieno', phone: '254733444555', credit_limit_cents: 200_000 },
  { name: 'Hoteli ya Jirani', phone: null, credit_limit_cents: 1_000_000 },
] as const;

async function initDemo(options: Common & { port: number }): Promise<void> {
  const db = await openFor(options, 'init');
  try {
    const key = await signingKey(options);
    const config = resolveConfig({ signing_key: key });
    const audit = new AuditService(key, systemClock);
    const deps = { db, clock: systemClock, random: cryptoRandom, config, audit };
    const ownerPassword = randomToken(cryptoRandom, 12);
    const managerPassword = randomToken(cryptoRandom, 12);
    const cashierPin = pin();
    let managerPin = pin();
    while (managerPin === cashierPin) managerPin = pin();
    const suffix = randomToken(cryptoRandom, 4).toLowerCase().replace(/[^a-z0-9]/g, 'x');
    const ownerEmail = `owner+${suffix}@duka.example`;
    const managerEmail = `manager+${suffix}@duka.example`;
    const result = await db.transaction(async (tx) => {
      const { business_id, store_id } = await createBusiness(tx, deps, { name: 'Duka la Mfano', store_name: 'Duka la Mfano — Main Street' });
      const ownerId = await addStaff(tx, deps, business_id, { name: 'Wanjiku Kamau', role: 'owner', email: ownerEmail, password: ownerPassword });
      const managerId = await addStaff(tx, deps, business_id, { name: 'Otieno Ouma', role: 'manager', email: managerEmail, password: managerPassword, pin: managerPin }, ownerId);
      const cashierId = await addStaff(tx, deps, business_id, { name: 'Achieng Atieno', role: 'cashier', pin: cashierPin }, ownerId);
      const products = await addProducts(tx, deps, business_id, demoCatalog(), ownerId);
      // What a receipt prints (issue 17) and customers who buy on credit: a demo shop has both.
      await addSetting(tx, deps, business_id, 'kra_pin', demo_kra_pin, ownerId);
      await addSetting(tx, deps, business_id, 'business_address', 'Moi Avenue, Nairobi', ownerId);
      for (const customer of demo_customers) await addCustomer(tx, deps, business_id, { ...customer }, ownerId);
      const code = await createEnrollmentCode(tx, deps, business_id, store_id, ownerId, 24 * 60 * 60 * 1000);
      return { business_id, store_id, ownerId, managerId, cashierId, products: products.length, code };
    });
    await audit.checkpoint(db, result.business_id);
    const url = `http://127.0.0.1:${options.port}`;
    process.stdout.write(
      `${JSON.stringify({
        business_id: result.business_id,
        business_name: 'Duka la Mfano',
        store_id: result.store_id,
        owner_email: ownerEmail,
        owner_password: ownerPassword,
        owner_id: result.ownerId,
        manager_email: managerEmail,
        manager_password: managerPassword,
        manager_id: result.managerId,
        manager_pin: managerPin,
        manager_name: 'Otieno Ouma',
        cashier_id: result.cashierId,
        cashier_pin: cashierPin,
        cashier_name: 'Achieng Atieno',
        enrollment_code: result.code.code,
        enrollment_code_expires_at: result.code.expires_at,
        products: result.products,
        database: db.kind,
        data_dir: db.kind === 'pglite' ? path.resolve(options.data) : null,
        server_url: url,
        serve_command: `npx payme-server serve --port ${options.port}${db.kind === 'pglite' ? ` --data ${options.data}` : ''}`,
        enroll_url: `${url}/v1/tills/enroll`,
        audit_public_key: key.publicKeyHex,
      })}\n`,
    );
  } finally {
    await db.close();
  }
}

async function auditVerify(options: Common & { business?: string }): Promise<number> {
  const db = await openFor(options, 'audit verify');
  try {
    const key = await signingKey(options);
    const audit = new AuditService(key, systemClock);
    const ids = options.business
      ? [options.business]
      : (await db.query<{ id: string }>('SELECT id::text AS id FROM businesses ORDER BY created_at, id')).map((row) => row.id);
    if (options.business) {
      const found = await db.query('SELECT 1 FROM businesses WHERE id::text = $1', [options.business]);
      if (found.length === 0) fail(`no business ${options.business}`, 1);
    }
    let broken = 0;
    for (const id of ids) {
      const result = await audit.verify(db, id);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      if (!result.ok) {
        broken += 1;
        process.stderr.write(`audit log of business ${id} is broken at seq ${result.broken_seq}: ${result.message}\n`);
      }
    }
    return broken === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

const uuid_text = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function rollupsRebuild(options: Common & { business?: string }): Promise<number> {
  if (options.business !== undefined && !uuid_text.test(options.business)) fail('--business must be a business id (a lowercase UUID)');
  const db = await openFor(options, 'rollups rebuild');
  try {
    const ids = options.business
      ? (await db.query<{ id: string }>('SELECT id::text AS id FROM businesses WHERE id = $1', [options.business])).map((row) => row.id)
      : (await db.query<{ id: string }>('SELECT id::text AS id FROM businesses ORDER BY created_at, id')).map((row) => row.id);
    if (options.business && ids.length === 0) fail(`no business ${options.business}`, 1);
    for (const id of ids) {
      const started = Date.now();
      const progress = await rebuildRollups(db, id, (page) => process.stderr.write(`payme-server: rollups of ${id}: ${page.events} events folded\n`));
      process.stdout.write(`${JSON.stringify({ business_id: id, events: progress.events, seconds: (Date.now() - started) / 1000 })}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}

async function passwordReset(options: Common & { email: string; business?: string }): Promise<number> {
  if (options.business !== undefined && !uuid_text.test(options.business)) fail('--business must be a business id (a lowercase UUID)');
  const db = await openFor(options, 'reset-password');
  try {
    const key = await signingKey(options);
    const audit = new AuditService(key, systemClock);
    const config = resolveConfig({ signing_key: key });
    const reset = await resetPassword({ db, clock: systemClock, random: cryptoRandom, audit, password_hash_cost: config.password_hash_cost }, options.email, options.business).catch(
      (error: unknown) => fail(error instanceof Error ? error.message : String(error), 1),
    );
    await audit.maybeCheckpoint(db, reset.business_id);
    process.stdout.write(`${JSON.stringify({ ...reset, note: 'Give this password to its owner; they can change it after signing in.' })}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

async function backupCommand(options: Common & { to: string }): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const serving = databaseUrl ? null : await liveHolder(options.data);
  if (serving !== null) {
    // PGlite with a server running on the folder: the server takes the backup itself.
    const answer = await askForBackup(serving, options.to).catch((error: unknown) => fail(`payme-server backup: ${error instanceof Error ? error.message : String(error)}`, 1));
    process.stdout.write(`${JSON.stringify({ backup: options.to, taken_by: { command: serving.command, pid: serving.pid }, ...answer })}\n`);
    return 0;
  }
  const release = await hold(options, 'backup');
  try {
    return await backupHeld(options, databaseUrl);
  } finally {
    await release();
  }
}

async function backupHeld(options: Common & { to: string }, databaseUrl: string | undefined): Promise<number> {
  const key = databaseUrl || (await pathExists(path.join(options.data, 'pglite'))) ? await existingSigningKey(options) : null;
  try {
    const manifest = await backupServer({
      to: options.to,
      pglite_dir: path.join(options.data, 'pglite'),
      database_url: databaseUrl,
      audit_signing_key: key ? { key_id: key.key_id, public_key: key.publicKeyHex } : null,
      now: new Date(systemClock.now()).toISOString(),
    });
    process.stdout.write(`${JSON.stringify({ backup: options.to, ...manifest })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BackupError) fail(`payme-server backup: ${error.message}`, 1);
    throw error;
  }
}

async function restoreCommand(options: Common & { from: string }): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  let manifest;
  const release = await hold(options, 'restore');
  try {
    manifest = await restoreServer({ from: options.from, pglite_dir: path.join(options.data, 'pglite'), database_url: databaseUrl });
  } catch (error) {
    if (error instanceof BackupError) fail(`payme-server restore: ${error.message} (nothing was changed)`, 1);
    throw error;
  } finally {
    await release();
  }
  const key = await existingSigningKey(options);
  const masterIds = process.env.PAYME_MASTER_KEY || (await pathExists(path.join(options.data, master_key_file)))
    ? (({ current, previous }) => [current.id, ...previous.map((each) => each.id)])(await loadKeyring({ env: process.env, data_dir: options.data }, cryptoRandom))
    : [];
  const missing = missingKeys(manifest, { audit_key_id: key?.key_id ?? '', master_key_ids: masterIds });
  for (const line of missing) process.stderr.write(`payme-server restore: still to put back: ${line}\n`);
  process.stdout.write(`${JSON.stringify({ restored: options.from, database: manifest.database, created_at: manifest.created_at, schema_versions: manifest.schema_versions, missing_keys: missing })}\n`);
  return 0;
}

async function pathExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** The signing key the server would use, without making one. */
async function existingSigningKey(options: Common): Promise<SigningKey | null> {
  if (process.env.PAYME_AUDIT_SIGNING_KEY) return signingKey(options);
  return (await pathExists(path.join(options.data, 'audit-signing-key.json'))) ? signingKey(options) : null;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      demo: { type: 'boolean' },
      json: { type: 'boolean' },
      business: { type: 'string' },
      email: { type: 'string' },
      to: { type: 'string' },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${usage}\n`);
    return command || values.help ? 0 : 2;
  }
  const data = path.resolve(values.data ?? path.join('.payme', 'server'));
  const port = values.port === undefined ? default_port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be a port number, not ${values.port}`);
  switch (command) {
    case 'serve':
      await serve({ data, port, host: values.host ?? '127.0.0.1' });
      return -1; // keeps running
    case 'migrate':
      await runMigrate({ data });
      return 0;
    case 'init':
      if (!values.demo || !values.json) fail('init needs --demo --json (the only kind of init there is for now)');
      await initDemo({ data, port });
      return 0;
    case 'keys': {
      if (sub !== 'rotate') fail(`unknown keys command ${sub ?? ''}\n${usage}`);
      // Re-encrypts every stored M-Pesa credential under a new master key (DESIGN §7); running
      // servers must be restarted afterwards to pick the new key up.
      const db = await openFor({ data }, 'keys rotate');
      try {
        process.stdout.write(`${JSON.stringify(await rotateMasterKey(db, { env: process.env, data_dir: data }, cryptoRandom))}\n`);
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'quarantine': {
      if (sub !== 'replay') fail(`unknown quarantine command ${sub ?? ''}\n${usage}`);
      // Re-validates quarantined events with this build's schemas and applies what now passes.
      const db = await openFor({ data }, 'quarantine replay');
      try {
        const result = await replayQuarantine(db, { clock: systemClock }, values.business);
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'rollups': {
      if (sub !== 'rebuild') fail(`unknown rollups command ${sub ?? ''}\n${usage}`);
      return rollupsRebuild({ data, ...(values.business ? { business: values.business } : {}) });
    }
    case 'reset-password': {
      if (!values.email) fail(`reset-password needs --email\n${usage}`);
      return passwordReset({ data, email: values.email, ...(values.business ? { business: values.business } : {}) });
    }
    case 'backup':
      if (!values.to) fail(`backup needs --to FILE\n${usage}`);
      return backupCommand({ data, to: path.resolve(values.to) });
    case 'restore':
      if (!values.from) fail(`restore needs --from FILE\n${usage}`);
      return restoreCommand({ data, from: path.resolve(values.from) });
    case 'audit':
      if (sub !== 'verify') fail(`unknown audit command ${sub ?? ''}\n${usage}`);
      return auditVerify({ data, ...(values.business ? { business: values.business } : {}) });
    default:
      fail(`unknown command ${command}\n${usage}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`payme-server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

/** As on SIGTERM; if that has not ended the process within 10 s (what `npm start` would wait), exit. */
function stopWithoutParent(): void {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 10_000).unref();
}
