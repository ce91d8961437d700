/** Scheduled PGlite backups (issue 15): names that sort by time, rotation that keeps the newest, the environment read in words. No database; well under 1 s. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupScheduleFromEnv, rotateScheduledBackups, scheduledBackupName, startScheduledBackups } from '../src/cli/scheduled-backups.js';

describe('scheduled backups', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'payme-scheduled-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names each file by its UTC time so names sort by time, and keeps the newest, leaving other files alone', async () => {
    expect(scheduledBackupName('2026-12-07T23:15:00.123Z')).toBe('payme-server-20261207T231500123Z.backup');
    const times = ['2026-12-07T09:00:00.000Z', '2026-12-06T23:59:59.999Z', '2026-12-07T10:00:00.000Z', '2026-12-07T08:00:00.000Z'];
    for (const time of times) await writeFile(path.join(dir, scheduledBackupName(time)), 'x');
    await writeFile(path.join(dir, 'nightly-by-hand.backup'), 'x');
    const removed = await rotateScheduledBackups(dir, 2);
    expect(removed).toEqual([scheduledBackupName('2026-12-06T23:59:59.999Z'), scheduledBackupName('2026-12-07T08:00:00.000Z')]);
    expect((await readdir(dir)).sort()).toEqual(['nightly-by-hand.backup', scheduledBackupName('2026-12-07T09:00:00.000Z'), scheduledBackupName('2026-12-07T10:00:00.000Z')].sort());
  });

  it('reads PAYME_BACKUP_DIR, _EVERY_MINUTES and _KEEP, with defaults, and names a bad value', () => {
    expect(backupScheduleFromEnv({})).toBeNull();
    expect(backupScheduleFromEnv({ PAYME_BACKUP_DIR: 'b' })).toEqual({ dir: path.resolve('b'), every_minutes: 60, keep: 48 });
    expect(backupScheduleFromEnv({ PAYME_BACKUP_DIR: '/srv/b', PAYME_BACKUP_EVERY_MINUTES: '15', PAYME_BACKUP_KEEP: '4' })).toEqual({ dir: '/srv/b', every_minutes: 15, keep: 4 });
    expect(() => backupScheduleFromEnv({ PAYME_BACKUP_DIR: '/srv/b', PAYME_BACKUP_EVERY_MINUTES: '0.5' })).toThrow('PAYME_BACKUP_EVERY_MINUTES must be a whole number from 1 to 10080, not 0.5');
    expect(() => backupScheduleFromEnv({ PAYME_BACKUP_DIR: '/srv/b', PAYME_BACKUP_KEEP: 'all' })).toThrow('PAYME_BACKUP_KEEP must be a whole number from 1 to 10000, not all');
  });

  it('takes one at start, rotates after it, and reports a failure without stopping', async () => {
    for (const time of ['2026-12-07T08:00:00.000Z', '2026-12-07T09:00:00.000Z']) await writeFile(path.join(dir, scheduledBackupName(time)), 'x');
    const done = await new Promise<{ file: string; removed: string[] }>((resolve, reject) => {
      const stop = startScheduledBackups({
        schedule: { dir, every_minutes: 60, keep: 2 },
        take: (file) => writeFile(file, 'backup'),
        now: () => '2026-12-07T10:00:00.000Z',
        onDone: (file, removed) => {
          stop();
          resolve({ file, removed });
        },
        onError: reject,
      });
    });
    expect(done).toEqual({ file: path.join(dir, scheduledBackupName('2026-12-07T10:00:00.000Z')), removed: [scheduledBackupName('2026-12-07T08:00:00.000Z')] });
    const failure = await new Promise<unknown>((resolve) => {
      const stop = startScheduledBackups({
        schedule: { dir, every_minutes: 60, keep: 2 },
        take: () => Promise.reject(new Error('ENOSPC: no space left on device')),
        now: () => '2026-12-07T11:00:00.000Z',
        onDone: () => undefined,
        onError: (error) => {
          stop();
          resolve(error);
        },
      });
    });
    expect(String(failure)).toContain('ENOSPC');
    expect((await readdir(dir)).length).toBe(2);
  });
});
