/**
 * Where the master key comes from (process edge: environment and files).
 *
 * - `PAYME_MASTER_KEY` (base64, 32 bytes) seals; `PAYME_MASTER_KEY_PREVIOUS` (comma-separated)
 *   still opens what older keys sealed, until `keys rotate` has re-sealed everything.
 * - Without the variable (the embedded default), the key lives in `<data>/master.key`, created
 *   with mode 0600 on first start. The runbook says to move it off the machine's disk.
 *   `master.key.next` and `master.key.previous` exist only around a rotation and are also read,
 *   so a crash half-way through a rotation leaves every credential openable.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Random } from '@payme/shared';
import { createFileDurably, renameDurably, replaceFileDurably } from '../durable-file.js';
import { generateMasterKey, keyringOf, parseMasterKey, type Keyring, type MasterKey } from './credentials.js';

export const master_key_file = 'master.key';

export interface KeySource {
  env: Record<string, string | undefined>;
  data_dir?: string | undefined;
}

async function readKeyFile(file: string): Promise<MasterKey | undefined> {
  try {
    return parseMasterKey(await readFile(file, 'utf8'), path.basename(file));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Written durably (issue 12): a temporary file, fsync, link or rename into place, fsync of the
 * folder. Losing this key loses every sealed M-Pesa credential, so a power cut must leave the
 * old key or the new one, never an empty file. `exclusive`: fail with EEXIST if one exists.
 */
async function writeKeyFile(file: string, key: MasterKey, exclusive: boolean): Promise<void> {
  const contents = `${key.key.toString('base64')}\n`;
  if (exclusive) await createFileDurably(file, contents, 0o600);
  else await replaceFileDurably(file, contents, 0o600);
}

/** Loads the keyring, generating the embedded default key when there is none yet. */
export async function loadKeyring(source: KeySource, random: Random): Promise<Keyring> {
  const fromEnv = source.env.PAYME_MASTER_KEY;
  if (fromEnv) {
    const previous = (source.env.PAYME_MASTER_KEY_PREVIOUS ?? '')
      .split(',')
      .filter((text) => text.trim() !== '')
      .map((text) => parseMasterKey(text, 'PAYME_MASTER_KEY_PREVIOUS'));
    return keyringOf(parseMasterKey(fromEnv), previous);
  }
  if (!source.data_dir) throw new Error('PAYME_MASTER_KEY is not set and there is no data directory to keep a generated key in');
  const file = path.join(source.data_dir, master_key_file);
  let current = await readKeyFile(file);
  if (!current) {
    current = generateMasterKey(random);
    try {
      await writeKeyFile(file, current, true);
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
      current = (await readKeyFile(file)) as MasterKey;
    }
  }
  const extra = [await readKeyFile(`${file}.next`), await readKeyFile(`${file}.previous`)].filter((key): key is MasterKey => key !== undefined);
  return keyringOf(current, extra);
}

/**
 * Rotation of the file-kept key in three crash-safe steps: the new key is written beside the old
 * (`.next`), `reseal` re-seals every credential under it, then the files are swapped.
 */
export async function rotateKeyFile(dataDir: string, random: Random, reseal: (keyring: Keyring) => Promise<void>): Promise<MasterKey> {
  const file = path.join(dataDir, master_key_file);
  const old = await readKeyFile(file);
  if (!old) throw new Error(`no ${master_key_file} in ${dataDir} to rotate`);
  const next = generateMasterKey(random);
  await writeKeyFile(`${file}.next`, next, false);
  await reseal(keyringOf(next, [old]));
  await writeKeyFile(`${file}.previous`, old, false);
  // The old key stays in `.previous` (one rotation deep) so a backup taken just before the
  // rotation can still be opened; delete it once such backups have aged out.
  await renameDurably(`${file}.next`, file);
  return next;
}
