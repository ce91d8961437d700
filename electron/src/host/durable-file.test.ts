import * as fs from 'node:fs';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ManualClock } from '@payme/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { tempDir } from '../../test/ledger-fixture.js';
import { DamagedFileError, moveIntoPlaceDurably, readJsonFile, writeFileDurably } from './durable-file.js';
import { deviceFilePath, readTillDevice, writeTillDevice } from './device-file.js';
import { openTillHost } from './till-host.js';

// The file-system calls in the order they happen, so a test can see that the data was flushed
// before the rename and the folder after it: the whole point of the module.
const trace: string[] = [];
const fdPaths = new Map<number, string>();
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    openSync: (file: string, ...rest: [string, number?]) => {
      const fd = real.openSync(file, ...rest);
      fdPaths.set(fd, file);
      return fd;
    },
    fsyncSync: (fd: number) => {
      trace.push(`fsync ${path.basename(fdPaths.get(fd) ?? '?')}`);
      real.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      trace.push(`rename ${path.basename(from)} -> ${path.basename(to)}`);
      real.renameSync(from, to);
    },
  };
});

let dir: string;
beforeEach(() => {
  dir = tempDir('payme-durable-');
  trace.length = 0;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const device = {
  server_url: 'http://127.0.0.1:8787',
  enrollment: {
    till_id: '01930000-0000-7000-8000-000000000e01',
    device_token: 'dt_'.padEnd(40, 'x'),
    epoch: 1,
    server_public_key: 'cd'.repeat(32),
    business_id: '01930000-0000-7000-8000-000000000002',
    store_id: '01930000-0000-7000-8000-000000000003',
    receipt_prefix: 'T2',
  },
  shop_name: 'Duka la Mfano',
  enrolled_at: '2026-11-26T06:00:00.000Z',
};

describe('durable writes', () => {
  it('flushes the new data before the rename and the folder after it, and leaves no temporary file', () => {
    const file = path.join(dir, 'settings.json');
    writeFileDurably(file, '{"a":1}\n');
    writeFileDurably(file, '{"a":2}\n', { mode: 0o600 });
    const tmp = path.basename(`${file}.${process.pid}.tmp`);
    const dirName = path.basename(dir);
    const once = [`fsync ${tmp}`, `rename ${tmp} -> settings.json`, ...(process.platform === 'win32' ? [] : [`fsync ${dirName}`])];
    expect(trace).toEqual([...once, ...once]);
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}\n');
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('makes a secret file private even when a leftover temporary file was readable by others', () => {
    const file = path.join(dir, 'secret.json');
    writeFileSync(`${file}.${process.pid}.tmp`, 'left over by a crash', { mode: 0o644 });
    writeFileDurably(file, 'token', { mode: 0o600 });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('token');
  });

  it('leaves the old file whole and removes the temporary one when the write fails', () => {
    const file = path.join(dir, 'kept.json');
    writeFileDurably(file, 'old');
    // A folder in the target's place makes the rename fail after the data was written.
    const blocked = path.join(dir, 'blocked');
    fs.mkdirSync(blocked);
    writeFileSync(path.join(blocked, 'x'), '');
    expect(() => writeFileDurably(blocked, 'new')).toThrow();
    expect(existsSync(`${blocked}.${process.pid}.tmp`)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('old');
  });

  it('moves a file another writer produced into place the same way (a backup, say)', () => {
    const written = path.join(dir, 'till-backup.db.partial');
    writeFileSync(written, 'backup bytes');
    moveIntoPlaceDurably(written, path.join(dir, 'till-backup.db'));
    expect(trace[0]).toBe('fsync till-backup.db.partial');
    expect(trace[1]).toBe('rename till-backup.db.partial -> till-backup.db');
    expect(readFileSync(path.join(dir, 'till-backup.db'), 'utf8')).toBe('backup bytes');
  });
});

describe('reading a file that a power cut damaged', () => {
  const schema = z.object({ theme: z.enum(['light', 'dark']) });
  const description = { what: 'the till settings', remedy: 'Restore it from a backup.' };

  it('answers null for a file that was never written, and the value for a sound one', () => {
    const file = path.join(dir, 'settings.json');
    expect(readJsonFile(file, schema, description)).toBeNull();
    writeFileDurably(file, JSON.stringify({ theme: 'dark' }));
    expect(readJsonFile(file, schema, description)).toEqual({ theme: 'dark' });
  });

  it.each([
    ['empty', '', 'is empty'],
    ['cut short', '{"theme": "da', 'is not readable JSON'],
    ['of the wrong shape', '{"theme": 3}', 'does not hold what it should'],
  ])('says in words what is wrong with a file that is %s and what to do', (_kind, contents, problem) => {
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, contents);
    const error = (() => {
      try {
        readJsonFile(file, schema, description);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(DamagedFileError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('the till settings');
    expect(message).toContain(problem);
    expect(message).toContain('Restore it from a backup.');
    expect(message).not.toMatch(/Unexpected|JSON input|SyntaxError|position/);
  });

  it('a till whose till-device.json a power cut left empty refuses to start with what to do, not a parse error', () => {
    writeTillDevice(dir, device);
    expect(readTillDevice(dir)).toEqual(device);
    if (process.platform !== 'win32') expect(statSync(deviceFilePath(dir)).mode & 0o777).toBe(0o600);
    writeFileSync(deviceFilePath(dir), '');
    expect(() => openTillHost(dir, { clock: new ManualClock(Date.UTC(2026, 10, 26)) })).toThrow(
      /till-device\.json \(the till's enrollment: its server address and device token\) is empty.*Restore till-device\.json from a backup.*enrolled again with a new code from the owner/,
    );
  });
});
