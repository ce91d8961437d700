/**
 * Scheduled backups of a server on PGlite (DESIGN §13, issue 15): with `PAYME_BACKUP_DIR` set,
 * `serve` backs itself up into that folder when it starts and then every
 * `PAYME_BACKUP_EVERY_MINUTES`, keeping the newest `PAYME_BACKUP_KEEP`. Each file is the same as
 * `payme-server backup` writes (written durably, read back and checked). On PostgreSQL this is
 * cron's `payme-server backup` (pg_dump), so several servers on one database do not each take one.
 */
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';

export const default_backup_every_minutes = 60;
export const default_backups_kept = 48;

const scheduled_name = /^payme-server-\d{8}T\d{6}\d{3}Z\.backup$/;

/** `payme-server-20261207T231500123Z.backup` for 2026-12-07T23:15:00.123Z: names sort by time. */
export function scheduledBackupName(iso: string): string {
  return `payme-server-${iso.replace(/[-:.]/g, '')}.backup`;
}

/** Removes all but the newest `keep` scheduled backups in `dir`; other files are left alone. Returns what it removed. */
export async function rotateScheduledBackups(dir: string, keep: number): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => scheduled_name.test(name)).sort();
  const old = names.slice(0, Math.max(0, names.length - keep));
  for (const name of old) await unlink(path.join(dir, name));
  return old;
}

export interface BackupSchedule {
  dir: string;
  every_minutes: number;
  keep: number;
}

/** PAYME_BACKUP_DIR, PAYME_BACKUP_EVERY_MINUTES, PAYME_BACKUP_KEEP; null without a folder. A bad value is an error in words. */
export function backupScheduleFromEnv(env: NodeJS.ProcessEnv): BackupSchedule | null {
  const dir = env.PAYME_BACKUP_DIR;
  if (dir === undefined || dir === '') return null;
  const whole = (name: string, fallback: number, max: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new Error(`${name} must be a whole number from 1 to ${max}, not ${text}`);
    return value;
  };
  return { dir: path.resolve(dir), every_minutes: whole('PAYME_BACKUP_EVERY_MINUTES', default_backup_every_minutes, 7 * 24 * 60), keep: whole('PAYME_BACKUP_KEEP', default_backups_kept, 10_000) };
}

export interface ScheduledBackupsDeps {
  schedule: BackupSchedule;
  /** Writes one backup to this file. */
  take(file: string): Promise<void>;
  now(): string;
  onDone(file: string, removed: string[]): void;
  onError(error: unknown): void;
}

/** Takes one backup now and then one every `every_minutes` (never two at once). Returns what stops it. */
export function startScheduledBackups(deps: ScheduledBackupsDeps): () => void {
  let running = false;
  const once = async () => {
    if (running) return;
    running = true;
    try {
      const file = path.join(deps.schedule.dir, scheduledBackupName(deps.now()));
      await deps.take(file);
      deps.onDone(file, await rotateScheduledBackups(deps.schedule.dir, deps.schedule.keep));
    } catch (error) {
      deps.onError(error);
    } finally {
      running = false;
    }
  };
  void once();
  const timer = setInterval(() => void once(), deps.schedule.every_minutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
