/**
 * When the till backs itself up (DESIGN §13): at every shift close, and every hour the ledger
 * changed. Each backup goes to `<data>/backups/` and, when IT named one in
 * `<data>/backup-settings.json` (`{"offsite_dir": "E:\\payme-backups"}`), a copy to that folder.
 * One backup at a time; a failure (a full disk, an unplugged stick) is kept in the status that
 * diagnostics and the logs show, and never stops the till selling.
 */
import path from 'node:path';
import { isoAt, systemClock, type Clock } from '@payme/shared';
import { z } from 'zod';
import { makeDirectoryDurably, readJsonFile } from '../host/durable-file.js';
import type { TillHost } from '../host/till-host.js';
import { backupFileName, backups_dir_name, copyCheckedBackup, listBackups, rotateBackups, writeCheckedBackup, type BackupKind, type BackupSource } from './ledger-backup.js';

export const backup_interval_ms = 60 * 60_000;
export const backup_settings_file_name = 'backup-settings.json';

export const backupSettingsSchema = z.object({ offsite_dir: z.string().min(1).max(1_000).nullable().default(null) });
export type BackupSettings = z.infer<typeof backupSettingsSchema>;

export function readBackupSettings(dataDir: string): BackupSettings {
  const file = path.join(dataDir, backup_settings_file_name);
  return (
    readJsonFile(file, backupSettingsSchema, {
      what: 'where the till copies its backups',
      remedy: 'Write it again with the off-site folder, e.g. {"offsite_dir": "E:\\\\payme-backups"}.',
    }) ?? { offsite_dir: null }
  );
}

export interface BackupStatus {
  backups_dir: string;
  offsite_dir: string | null;
  last_backup: { file: string; kind: BackupKind; at: string; bytes: number } | null;
  last_offsite_copy: { file: string; at: string } | null;
  /** The last failure, in words, until a later backup succeeds; null when there is none. */
  last_error: string | null;
}

export interface TillBackupsOptions {
  /** The till's open ledger connection (the backup reads through it, consistent while it sells). */
  db: () => BackupSource;
  /** Changes when the ledger changes (its chain head seq): an unchanged hour is not backed up again. */
  changeMark: () => number;
  dataDir: string;
  clock: Clock;
  settings: BackupSettings;
  log?: (line: string) => void;
}

export interface TillBackups {
  backupNow(kind: BackupKind): Promise<BackupStatus>;
  /** Takes the hourly backup when it is due. */
  tick(): Promise<void>;
  status(): BackupStatus;
  /** Resolves once the backup under way (if any) has finished: the till waits for it on quit. */
  settled(): Promise<void>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createTillBackups(options: TillBackupsOptions): TillBackups {
  const dir = path.join(options.dataDir, backups_dir_name);
  const log = options.log ?? (() => undefined);
  const status: BackupStatus = { backups_dir: dir, offsite_dir: options.settings.offsite_dir, last_backup: null, last_offsite_copy: null, last_error: null };
  let lastAt: number | null = null;
  let lastMark: number | null = null;
  let running: Promise<BackupStatus> = Promise.resolve(status);

  async function take(kind: BackupKind): Promise<BackupStatus> {
    const at = options.clock.now();
    const mark = options.changeMark();
    try {
      makeDirectoryDurably(dir);
      const written = await writeCheckedBackup(options.db(), path.join(dir, backupFileName(kind, at)));
      rotateBackups(dir, kind);
      status.last_backup = { file: written.file, kind, at: isoAt(at), bytes: written.bytes };
      status.last_error = null;
      lastAt = at;
      lastMark = mark;
      if (options.settings.offsite_dir !== null) {
        const copy = copyCheckedBackup(written.file, options.settings.offsite_dir);
        rotateBackups(options.settings.offsite_dir, kind);
        status.last_offsite_copy = { file: copy, at: isoAt(at) };
      }
    } catch (error) {
      status.last_error = `${kind} backup at ${isoAt(at)} failed: ${message(error)}`;
      log(`backup: ${status.last_error}`);
    }
    return { ...status };
  }

  return {
    backupNow(kind) {
      running = running.then(() => take(kind));
      return running;
    },
    async tick() {
      if (lastAt === null) {
        // After a restart, the newest backup on disk says when the last one was taken.
        const newest = listBackups(dir).at(-1);
        lastAt = newest === undefined ? null : Date.parse(path.basename(newest.file).replace(/^till-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z.*$/, '$1-$2-$3T$4:$5:$6.$7Z'));
        if (Number.isNaN(lastAt)) lastAt = null;
      }
      const due = lastAt === null || options.clock.now() - lastAt >= backup_interval_ms;
      if (due && options.changeMark() !== lastMark) await this.backupNow('hourly');
    },
    status: () => ({ ...status }),
    settled: () => running.then(() => undefined),
  };
}

const backup_tick_ms = 60_000;

/** The till host's backups: a shift close backs up at once, the hourly one is checked every minute. */
export function startTillBackups(host: TillHost, extra: { clock?: Clock; log?: (line: string) => void } = {}): { backups: TillBackups; stop(): Promise<void> } {
  const backups = createTillBackups({
    db: () => host.ledger,
    changeMark: () => host.ledger.chainHead().seq,
    dataDir: host.dataDir,
    clock: extra.clock ?? systemClock,
    settings: readBackupSettings(host.dataDir),
    ...(extra.log === undefined ? {} : { log: extra.log }),
  });
  host.onLedgerWrite((method) => {
    if (method === 'closeShift') void backups.backupNow('shift-close');
  });
  const timer = setInterval(() => {
    if (host.device() !== null) void backups.tick();
  }, backup_tick_ms);
  timer.unref();
  return {
    backups,
    stop: async () => {
      clearInterval(timer);
      await backups.settled();
    },
  };
}
