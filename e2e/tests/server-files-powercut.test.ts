/**
 * The server's key file survives a power cut right after it was made (issue 12): on the
 * power-cut filesystem (src/harness/powercut-fs.py, which keeps only what was fsynced), the audit
 * signing key that `payme-server` generates on its first start into a new data folder is all
 * there after the cut, and a damaged one is refused in words that say what to do.
 */
import { mkdirSync, openSync, closeSync, fsyncSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SeededRandom } from '@payme/shared';
import { loadOrCreateSigningKey, signing_key_file } from '@payme/sync-server/signing-key';
import { tryMountPowercutFs, type PowercutFs } from '../src/harness/powercut-fs.js';

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  fsyncSync(fd);
  closeSync(fd);
}

describe("the server's key file on the power-cut filesystem", () => {
  let fs: PowercutFs | null = null;
  let unavailable = '';

  beforeAll(async () => {
    const mounted = await tryMountPowercutFs(path.join(inject('payme_e2e_dir'), 'server-files-powercut-mount'));
    if ('unavailable' in mounted) {
      unavailable = mounted.unavailable;
      console.warn(`server key power-cut test skipped: ${unavailable}`);
      return;
    }
    fs = mounted.fs;
  });
  afterAll(async () => {
    await fs?.unmount();
  });

  it('a signing key generated into a new data folder is whole after a power cut, and a cut-short one is refused in words', async ({ skip }) => {
    if (fs === null) return skip(unavailable);
    const dataDir = path.join(fs.mountpoint, 'server', 'data');
    const key = await loadOrCreateSigningKey(dataDir, new SeededRandom(12));
    await fs.cut();
    const stored = JSON.parse(readFileSync(path.join(dataDir, signing_key_file), 'utf8')) as { public_key_hex: string };
    expect(stored.public_key_hex).toBe(key.publicKeyHex);
    expect((await loadOrCreateSigningKey(dataDir, new SeededRandom(13))).publicKeyHex).toBe(key.publicKeyHex);

    // The plain write the server used before: the file comes back empty, and the server says what to do.
    const other = path.join(fs.mountpoint, 'other');
    mkdirSync(other);
    syncDir(fs.mountpoint);
    writeFileSync(path.join(other, signing_key_file), readFileSync(path.join(dataDir, signing_key_file)));
    syncDir(other);
    await fs.cut();
    await expect(loadOrCreateSigningKey(other, new SeededRandom(14))).rejects.toThrow(/is empty, probably cut short by a crash or a power cut\. Restore audit-signing-key\.json from a backup/);
  });
});
