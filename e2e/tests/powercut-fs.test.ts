/**
 * The power-cut filesystem itself (src/harness/powercut-fs.py): a cut keeps exactly what was
 * fsynced (a file's data by an fsync of the file, a name by an fsync of its directory) and drops
 * the rest, so the power-cut tests built on it can fail. SQLite in WAL mode shows both sides:
 * `synchronous=FULL` keeps every commit, `synchronous=NORMAL` loses the ones after the last
 * checkpoint.
 */
import { execFile } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tryMountPowercutFs, type PowercutFs } from '../src/harness/powercut-fs.js';

const run = promisify(execFile);
const better_sqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  fsyncSync(fd);
  closeSync(fd);
}

function writeSynced(file: string, text: string): void {
  const fd = openSync(file, 'w');
  writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
}

describe('the power-cut filesystem', () => {
  let fs: PowercutFs | null = null;
  let unavailable = '';
  let root = '';

  beforeAll(async () => {
    const mounted = await tryMountPowercutFs(path.join(inject('payme_e2e_dir'), 'powercut-fs-mount'));
    if ('unavailable' in mounted) {
      unavailable = mounted.unavailable;
      console.warn(`powercut-fs tests skipped: ${unavailable}`);
      return;
    }
    fs = mounted.fs;
    root = fs.mountpoint;
  });
  afterAll(async () => {
    await fs?.unmount();
  });

  /** A fresh folder on the mount, made durable so only what the test does is at stake. */
  function folder(name: string): string {
    const dir = path.join(root, name);
    mkdirSync(dir);
    syncDir(root);
    return dir;
  }

  it('keeps fsynced data and drops what was written after the fsync', async ({ skip }) => {
    if (fs === null) return skip(unavailable);
    const dir = folder('data');
    const file = path.join(dir, 'a');
    writeSynced(file, 'synced');
    syncDir(dir);
    const fd = openSync(file, 'a');
    writeSync(fd, '+lost');
    closeSync(fd); // a close is not a sync
    writeFileSync(path.join(dir, 'never-synced'), 'x');
    expect(readFileSync(file, 'utf8')).toBe('synced+lost');

    await fs.cut();
    expect(readFileSync(file, 'utf8')).toBe('synced');
    expect(readdirSync(dir)).toEqual(['a']);
  });

  it('makes a name durable only with an fsync of its directory', async ({ skip }) => {
    if (fs === null) return skip(unavailable);
    const dir = folder('names');
    writeSynced(path.join(dir, 'old'), 'v1');
    syncDir(dir);
    // The durable-file pattern without its last step: the rename is not durable yet.
    writeSynced(path.join(dir, 'old.tmp'), 'v2');
    renameSync(path.join(dir, 'old.tmp'), path.join(dir, 'old'));
    // A fsynced file whose directory never was.
    writeSynced(path.join(dir, 'orphan'), 'data');
    await fs.cut();
    expect(readdirSync(dir).sort()).toEqual(['old']);
    expect(readFileSync(path.join(dir, 'old'), 'utf8')).toBe('v1');

    writeSynced(path.join(dir, 'old.tmp'), 'v2');
    renameSync(path.join(dir, 'old.tmp'), path.join(dir, 'old'));
    syncDir(dir);
    await fs.cut();
    expect(readdirSync(dir)).toEqual(['old']);
    expect(readFileSync(path.join(dir, 'old'), 'utf8')).toBe('v2');
  });

  it('brings back a name whose data was never fsynced as an empty file', async ({ skip }) => {
    if (fs === null) return skip(unavailable);
    const dir = folder('empty');
    writeFileSync(path.join(dir, 'f'), 'not synced');
    syncDir(dir);
    await fs.cut();
    expect(statSync(path.join(dir, 'f')).size).toBe(0);
  });

  it('follows a truncate and a regrowth to what was fsynced', async ({ skip }) => {
    if (fs === null) return skip(unavailable);
    const dir = folder('truncate');
    const file = path.join(dir, 't');
    writeSynced(file, 'abcdefgh');
    syncDir(dir);
    const fd = openSync(file, 'r+');
    ftruncateSync(fd, 2);
    ftruncateSync(fd, 8);
    fsyncSync(fd);
    ftruncateSync(fd, 1); // after the fsync: lost
    closeSync(fd);
    await fs.cut();
    expect(readFileSync(file)).toEqual(Buffer.from('ab\0\0\0\0\0\0', 'latin1'));
  });

  it('keeps an unlinked file readable through its open handle, and gone after the directory is synced', async ({ skip }) => {
    if (fs === null) return skip(unavailable);
    const dir = folder('unlinked');
    const file = path.join(dir, 'u');
    writeSynced(file, 'still here');
    syncDir(dir);
    const fd = openSync(file, 'r+');
    unlinkSync(file);
    expect(existsSync(file)).toBe(false);
    const buffer = Buffer.alloc(10);
    readSync(fd, buffer, 0, 10, 0);
    expect(buffer.toString()).toBe('still here');
    fsyncSync(fd);
    closeSync(fd);
    expect(readdirSync(dir)).toEqual([]);
    await fs.cut();
    expect(readdirSync(dir)).toEqual(['u']); // the unlink was never made durable
    unlinkSync(file);
    syncDir(dir);
    await fs.cut();
    expect(readdirSync(dir)).toEqual([]);
  });

  /** A process that commits `n` rows one transaction each, then dies by SIGKILL before anything closes. */
  async function commitThenDie(file: string, synchronous: 'FULL' | 'NORMAL', n: number): Promise<void> {
    const script = `
      const Database = require(${JSON.stringify(better_sqlite3)});
      const db = new Database(${JSON.stringify(file)});
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = ${synchronous}');
      db.exec('create table t (i integer primary key, v text)');
      const insert = db.prepare('insert into t (v) values (?)');
      for (let i = 0; i < ${n}; i++) insert.run('row ' + i);
      process.kill(process.pid, 'SIGKILL');`;
    await expect(run(process.execPath, ['-e', script])).rejects.toMatchObject({ signal: 'SIGKILL' });
  }

  async function rowsAfterCut(file: string): Promise<number> {
    const { stdout } = await run(process.execPath, ['-e', `
      const Database = require(${JSON.stringify(better_sqlite3)});
      const db = new Database(${JSON.stringify(file)});
      const ok = db.pragma('integrity_check', { simple: true });
      const n = db.prepare("select count(*) from sqlite_master where name = 't'").pluck().get() === 1 ? db.prepare('select count(*) from t').pluck().get() : 0;
      console.log(JSON.stringify({ ok, n }));`]);
    const { ok, n } = JSON.parse(stdout) as { ok: string; n: number };
    expect(ok).toBe('ok');
    return n;
  }

  it('keeps every SQLite commit under synchronous=FULL and loses them under NORMAL', async ({ skip }) => {
    if (fs === null) return skip(unavailable);
    const full = path.join(folder('sqlite-full'), 'full.db');
    await commitThenDie(full, 'FULL', 200);
    const normal = path.join(folder('sqlite-normal'), 'normal.db');
    await commitThenDie(normal, 'NORMAL', 200);
    expect((await fs.stats()).dirty_bytes_max).toBeGreaterThan(0);

    await fs.cut();
    expect(await rowsAfterCut(full)).toBe(200);
    expect(await rowsAfterCut(normal)).toBeLessThan(200);
  });
});
