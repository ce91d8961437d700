/**
 * Restoring a till from a backup (issue 15's acceptance), on real files and real processes:
 * `payme-server serve`, `payme-till serve`, and the `payme-till backup` / `restore` commands.
 * A backup is taken, then 50 sales sync and 20 more are made while the server is down; the till
 * dies and is restored from the backup:
 *  (a) the replaced ledger is readable: after recovery the server and the till agree, and all 70
 *      sales exist exactly once on both;
 *  (b) it is damaged (pages of its journal overwritten): SQLite's .recover salvages what it can,
 *      the 50 synced sales come back from the server, and the restore names what is lost: the
 *      seq range after the server's head and the receipt numbers of the 20.
 */
import { rawDb } from '@payme/till/ledger/raw-db';
import { execFile, execFileSync } from 'node:child_process';
import { openSync, closeSync, writeSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cryptoRandom, lineAmount, roundToShilling, systemClock } from '@payme/shared';
import { openLedger } from '@payme/till/ledger';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { stockUpDemo } from '../src/harness/cashier.js';
import { repo_root } from '../src/harness/renderer-build.js';
import { withStoppedServerDb } from '../src/harness/server-db.js';
import { tillRpc } from '../src/harness/till-rpc.js';
import { waitFor } from '../src/harness/wait-for.js';

const run = promisify(execFile);
const till_bin = path.join(repo_root, 'electron', 'bin', 'payme-till.mjs');
const sqlite3_missing = (() => {
  try {
    execFileSync('sqlite3', ['-version']);
    return false;
  } catch {
    return true;
  }
})();

let stack: DemoStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function tillCommand(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [till_bin, ...args], { cwd: repo_root, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

interface Sold {
  sale_id: string;
  receipt_no: string;
}

/** A cash sale of one item through the till API, as the pay screen makes it. */
async function sell(s: DemoStack, product: { product_id: string; unit_price: number; unit: 'piece' | 'gram' | 'millilitre' }): Promise<Sold> {
  const total = roundToShilling(lineAmount(product.unit_price, 1, product.unit)).payable;
  const sale_id = crypto.randomUUID();
  const result = await tillRpc(s.tillUrl, 'completeSale', {
    command_id: crypto.randomUUID(),
    sale_id,
    lines: [{ product_id: product.product_id, quantity: 1 }],
    tenders: [{ kind: 'cash', amount: total, tendered: total }],
  });
  return { sale_id, receipt_no: result.receipt_no };
}

async function synced(s: DemoStack): Promise<void> {
  await waitFor(async () => ((await tillRpc(s.tillUrl, 'syncStatus', {})).unsynced_count === 0 ? true : null), 60_000);
}

/** Backup, 50 synced sales, 20 with the server down, then the till is killed (its disk "dies"). */
async function backupThenSell(name: string): Promise<{ s: DemoStack; backup: string; synced50: Sold[]; unsynced20: Sold[] }> {
  const s = await startDemoStack(name);
  stack = s;
  const [product] = await stockUpDemo(s.tillUrl, s.logins, 1, 500);
  await tillRpc(s.tillUrl, 'login', { staff_id: s.logins.cashier_id, pin: s.logins.cashier_pin });
  await tillRpc(s.tillUrl, 'openShift', { command_id: crypto.randomUUID(), shift_id: crypto.randomUUID(), float: 100_000 });
  await synced(s);
  const backup = path.join(s.dir, 'till-backup.db');
  expect(await tillCommand('backup', '--data', s.tillData, '--to', backup)).toMatchObject({ file: backup });
  const synced50: Sold[] = [];
  for (let i = 0; i < 50; i += 1) synced50.push(await sell(s, product!));
  await synced(s);
  await s.stopServer();
  const unsynced20: Sold[] = [];
  for (let i = 0; i < 20; i += 1) unsynced20.push(await sell(s, product!));
  expect((await tillRpc(s.tillUrl, 'syncStatus', {})).unsynced_count).toBe(20);
  await s.killTill();
  await s.startServer();
  return { s, backup, synced50, unsynced20 };
}

async function serverSales(s: DemoStack): Promise<{ sale_ids: string[]; applied: number }> {
  await s.stop();
  return withStoppedServerDb(s.serverData, async (db) => {
    const sales = await db.query<{ sale_id: string }>('SELECT sale_id::text AS sale_id FROM sales WHERE business_id = $1', [s.logins.business_id]);
    const applied = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM till_events WHERE business_id = $1 AND type = 'sale_completed' AND status = 'applied'", [s.logins.business_id]);
    return { sale_ids: sales.map((row) => row.sale_id), applied: applied[0]!.n };
  });
}

function tillSales(s: DemoStack): { sale_ids: string[]; receipts: string[]; verify: unknown[] } {
  const ledger = openLedger({ path: path.join(s.tillData, 'till.db'), clock: systemClock, random: cryptoRandom });
  try {
    const rows = rawDb(ledger).prepare('SELECT sale_id, receipt_no FROM sales').all() as { sale_id: string; receipt_no: string }[];
    return { sale_ids: rows.map((row) => row.sale_id), receipts: rows.map((row) => row.receipt_no), verify: ledger.verifyLedger() };
  } finally {
    ledger.close();
  }
}

const sorted = (ids: readonly string[]) => [...ids].sort();

describe('a till restored from a backup, against a real server process', () => {
  it('(a) readable replaced ledger: after recovery the server and the till agree, all 70 sales exactly once', async () => {
    const { s, backup, synced50, unsynced20 } = await backupThenSell('restore-a');
    const result = await tillCommand('restore', '--data', s.tillData, '--from', backup);
    expect(result).toMatchObject({ online: true, recovered: true, not_imported_reason: null, salvage: null, unrecoverable: null, unsynced_count: 0 });
    await s.startTill();
    await synced(s);
    const all = [...synced50, ...unsynced20];
    const till = tillSales(s);
    const server = await serverSales(s);
    expect(sorted(till.sale_ids)).toEqual(sorted(all.map((sale) => sale.sale_id)));
    expect(sorted(server.sale_ids)).toEqual(sorted(all.map((sale) => sale.sale_id)));
    expect(server.applied).toBe(70);
    expect(new Set(till.receipts).size).toBe(70);
    expect(till.verify).toEqual([]);
  }, 300_000);

  it('(b) damaged replaced ledger: the 50 synced sales come back, the lost seq and receipt ranges are named', async () => {
    const { s, backup, synced50, unsynced20 } = await backupThenSell('restore-b');
    const file = path.join(s.tillData, 'till.db');
    // Fold the WAL in, then overwrite the journal's first leaf page (its oldest events, which the server has).
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const page = (db.prepare("SELECT pageno FROM dbstat WHERE name = 'outbox' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1").pluck().get() as number);
    db.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (page - 1) * pageSize);
    closeSync(fd);

    // Without --replace-unreadable it refuses and says what salvage found.
    await expect(tillCommand('restore', '--data', s.tillData, '--from', backup)).rejects.toMatchObject({ stderr: expect.stringMatching(/cannot be read \(SQLite reports damage.*sqlite3 \.recover/s) });
    const result = await tillCommand('restore', '--data', s.tillData, '--from', backup, '--replace-unreadable');
    const head = (result.unrecoverable as { server_head_seq: number }).server_head_seq;
    expect(result).toMatchObject({ online: true, recovered: true, imported: null, salvage: { imported: false }, unrecoverable: { seq_from: head + 1, receipt_from: unsynced20[0]!.receipt_no }, unsynced_count: 0 });
    // The upper ends come from what the salvage could read; Debian 12's sqlite3 3.40 .recover fails on
    // this schema ("SQL logic error"), and then they are null (unknown), never a wrong number.
    const { seq_to, receipt_to } = result.unrecoverable as { seq_to: number | null; receipt_to: string | null };
    expect([null, head + 20]).toContain(seq_to);
    expect([null, unsynced20[19]!.receipt_no]).toContain(receipt_to);
    await s.startTill();
    await synced(s);
    const till = tillSales(s);
    const server = await serverSales(s);
    expect(sorted(till.sale_ids)).toEqual(sorted(synced50.map((sale) => sale.sale_id)));
    expect(sorted(server.sale_ids)).toEqual(sorted(synced50.map((sale) => sale.sale_id)));
    expect(till.verify).toEqual([]);
  }, 300_000);
});

if (sqlite3_missing) process.stderr.write('till-restore: the sqlite3 program is not installed, so (b) runs without salvage (apt-get install sqlite3; .ci/run installs it)\n');
