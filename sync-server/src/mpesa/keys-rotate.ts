/**
 * `payme-server keys rotate [--data DIR]`: re-seals every stored Daraja credential.
 * - With `PAYME_MASTER_KEY` set: the new key is that variable and the old ones are in
 *   `PAYME_MASTER_KEY_PREVIOUS` (the operator sets both, restarts the servers so they can open
 *   either, runs this, then drops the previous keys).
 * - With the embedded default: a new key file is generated beside the old one and swapped in
 *   once everything is re-sealed (master-key.ts); restart the server afterwards.
 */
import type { Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import { loadKeyring, rotateKeyFile } from './master-key.js';
import { rotateKeys } from './mpesa-account.js';

export interface RotateResult {
  key_id: string;
  resealed: number;
  already_current: number;
}

export async function rotateMasterKey(db: Db, source: { env: Record<string, string | undefined>; data_dir?: string | undefined }, random: Random): Promise<RotateResult> {
  if (source.env.PAYME_MASTER_KEY) {
    const keyring = await loadKeyring(source, random);
    const counts = await rotateKeys(db, keyring.previous, keyring.current, random);
    return { key_id: keyring.current.id, ...counts };
  }
  if (!source.data_dir) throw new Error('keys rotate needs PAYME_MASTER_KEY or a data directory');
  // Make sure a key file exists (first start may not have happened yet).
  await loadKeyring(source, random);
  let counts = { resealed: 0, already_current: 0 };
  const next = await rotateKeyFile(source.data_dir, random, async (keyring) => {
    counts = await rotateKeys(db, keyring.previous, keyring.current, random);
  });
  return { key_id: next.id, ...counts };
}
