/**
 * The server's files whose loss matters (its audit signing key, the embedded M-Pesa master key)
 * are written so that a crash or a power cut leaves either no file or the whole one, never an
 * empty one (issue 12): the bytes go to a temporary file in the same folder, which is fsynced,
 * then linked (create) or renamed (replace) into place, and the folder is fsynced so the new
 * name is durable too. The till has the same rule in electron/src/host/durable-file.ts
 * (synchronous, for its main process); this one is asynchronous for the server's event loop.
 */
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** fsyncs a folder so that a file created, renamed or linked in it stays after a power cut. */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return; // NTFS journals names; a folder cannot be opened to flush
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems (network shares, FAT) cannot flush a folder; the file itself was flushed.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

/** The folders `mkdir -p` made for `file`, parents first ([] when its folder existed). */
async function makeFolders(file: string): Promise<string[]> {
  const first = await mkdir(path.dirname(file), { recursive: true });
  if (first === undefined) return [];
  const made: string[] = [];
  for (let folder = path.dirname(file); folder.length >= first.length; folder = path.dirname(folder)) made.unshift(folder);
  return made;
}

/** After a new name in `file`'s folder: that folder, and each folder made for it with its parent. */
async function syncNames(file: string, made: readonly string[]): Promise<void> {
  await syncFolder(path.dirname(file));
  for (const folder of [...made].reverse()) await syncFolder(path.dirname(folder));
}

async function writeTemporary(file: string, contents: string | Uint8Array, mode: number): Promise<string> {
  const temporary = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const handle = await open(temporary, 'w', mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temporary;
}

/**
 * Creates `file` with `contents` (mode 0600 unless told), durably, and only if it does not exist:
 * an existing file makes it throw EEXIST and stays as it was (two processes starting at once
 * keep the first one's key).
 */
export async function createFileDurably(file: string, contents: string | Uint8Array, mode = 0o600): Promise<void> {
  const made = await makeFolders(file);
  const temporary = await writeTemporary(file, contents, mode);
  try {
    await link(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
  await syncNames(file, made);
}

/** Replaces `file` with `contents` durably: after a power cut it holds the old or the new bytes. */
export async function replaceFileDurably(file: string, contents: string | Uint8Array, mode = 0o600): Promise<void> {
  const made = await makeFolders(file);
  const temporary = await writeTemporary(file, contents, mode);
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncNames(file, made);
}

/** Renames `from` over `to` and makes the new name durable (both in one folder). */
export async function renameDurably(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncFolder(path.dirname(to));
}

/** A key or settings file that is empty, cut short or not what it should be: the words say what to do. */
export class DamagedFileError extends Error {
  override readonly name = 'DamagedFileError';
  constructor(
    readonly file: string,
    problem: string,
    remedy: string,
  ) {
    super(`${file} ${problem}. ${remedy}`);
  }
}
