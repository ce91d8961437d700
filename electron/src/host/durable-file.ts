/**
 * Files whose loss matters (the till's enrollment identity, its settings, its backups) are
 * written so that a crash or a power cut at any instant leaves either the old file or the whole
 * new one, never an empty or half-written one. A plain write-then-rename is not enough: on a
 * filesystem that keeps unsynced data in memory (XFS, NTFS, ext4 without its rename heuristic)
 * the rename can reach the disk before the data does, and the file comes back empty. So:
 * write a temporary file beside the target, fsync it, rename it into place, fsync the directory
 * (which makes the rename itself durable).
 *
 * `writeFileDurably` writes bytes or text; `moveIntoPlaceDurably` does the same for a file some
 * other writer produced (an SQLite backup written by `db.backup(temporary)`, say);
 * `readJsonFile` reads such a file back and turns an empty, cut-short or invalid one into a
 * sentence that says what to do, never a raw parse error.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, fchmodSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

export interface DurableWriteOptions {
  /** File mode of the new file (0o600 for anything holding a secret). Ignored on Windows. */
  mode?: number;
}

/**
 * Makes the entries of `directory` (a rename, a new file) durable. Windows cannot open a
 * directory to flush it, and NTFS journals its metadata, so there it is a no-op; a filesystem
 * that cannot flush a directory (some network shares and FAT sticks answer EINVAL) has nothing
 * more to give, and the file's own data was already flushed.
 */
export function syncDirectory(directory: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates `directory` (and any missing parents) so that the folders themselves survive a power
 * cut: each new folder's entry is flushed in its parent. A plain mkdir leaves the new entry in
 * memory, and a cut soon after takes the folder with everything durably written inside it (the
 * till's data folder held its ledger and till-device.json). An existing folder is left as it is.
 */
export function makeDirectoryDurably(directory: string, mode?: number): void {
  const absolute = path.resolve(directory);
  if (existsSync(absolute)) return;
  const missing: string[] = [];
  for (let at = absolute; !existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  mkdirSync(absolute, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  for (const made of missing) syncDirectory(path.dirname(made));
}

function flushFile(file: string): void {
  // Opened for writing: Windows refuses FlushFileBuffers on a read-only handle.
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts the finished file `written` in place of `file`: flushes it, renames it over `file` (the
 * two must be on the same filesystem, so keep `written` in the target's folder), and flushes the
 * folder. For files another writer produced, such as `db.backup(written)`.
 */
export function moveIntoPlaceDurably(written: string, file: string): void {
  flushFile(written);
  renameSync(written, file);
  syncDirectory(path.dirname(file));
}

/** The temporary file beside `file`; the process id keeps two processes on one folder apart. */
export function temporaryPathFor(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

/**
 * Replaces `file` with `contents` so that after a crash or a power cut it holds either its old
 * contents or all of the new ones. A failure removes the temporary file and rethrows.
 */
export function writeFileDurably(file: string, contents: string | Uint8Array, options: DurableWriteOptions = {}): void {
  const temporary = temporaryPathFor(file);
  try {
    const fd = openSync(temporary, 'w', options.mode ?? 0o666);
    try {
      // The open's mode only applies when it creates the file; a leftover one keeps its old mode.
      if (options.mode !== undefined && process.platform !== 'win32') fchmodSync(fd, options.mode);
      const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(path.dirname(file));
}

/** An empty, cut-short or invalid file of the kind `readJsonFile` reads: the message says what to do. */
export class DamagedFileError extends Error {
  override readonly name = 'DamagedFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly remedy: string,
  ) {
    super(`${file} ${problem}. ${remedy}`);
  }
}

export interface JsonFileDescription {
  /** What the file is, in words: "the till's enrollment (server address and device token)". */
  what: string;
  /** What the person should do when it is damaged: a whole sentence. */
  remedy: string;
}

/**
 * Reads a JSON file written by `writeFileDurably`: null when it does not exist, the parsed and
 * validated value when it is sound, and a `DamagedFileError` naming the file, what is wrong with
 * it and what to do when it is empty, not JSON, or not what `schema` expects.
 */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S, description: JsonFileDescription): z.infer<S> | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const damaged = (problem: string) => new DamagedFileError(file, `(${description.what}) ${problem}`, description.remedy);
  if (text.trim() === '') throw damaged('is empty, probably cut short by a crash or a power cut');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged('is damaged: it is not readable JSON any more, probably cut short by a crash or a power cut');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw damaged(`is damaged: it does not hold what it should (${issue?.message ?? 'unreadable'}${where})`);
  }
  return parsed.data as z.infer<S>;
}
