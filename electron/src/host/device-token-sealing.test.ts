/**
 * The device token sealed with the OS keyring where there is one (issue 15): the file then holds
 * no usable token, a file the keyring cannot open is refused in words, an older file kept in
 * clear is sealed on start, and a PC without a real keyring keeps the token in clear.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ids, tempDir } from '../../test/ledger-fixture.js';
import { DamagedFileError } from './durable-file.js';
import { deviceFilePath, readTillDevice, sealStoredToken, useTokenSealer, writeTillDevice, type TillDevice, type TokenSealer } from './device-file.js';
import { safeStorageSealer, type SafeStorageLike } from './safe-storage-sealer.js';

const token = 'dt_'.padEnd(44, 'q');
const device: TillDevice = {
  server_url: 'http://127.0.0.1:8787',
  enrollment: { till_id: '01930000-0000-7000-8000-000000000e01', device_token: token, epoch: 1, server_public_key: 'cd'.repeat(32), business_id: ids.business, store_id: ids.store, receipt_prefix: 'T2' },
  shop_name: 'Duka la Mfano',
  enrolled_at: '2026-12-07T06:00:00.000Z',
};

/** A keyring double: XOR with this user's key; another key cannot open it. */
function keyring(key: number, scheme = 'test-keyring'): TokenSealer {
  const xor = (bytes: Uint8Array) => Uint8Array.from(bytes, (byte) => byte ^ key);
  return {
    scheme,
    seal: (text) => Uint8Array.of(key, ...xor(new TextEncoder().encode(text))),
    open: (sealed) => {
      if (sealed[0] !== key) throw new Error('not sealed by this key');
      return new TextDecoder().decode(xor(sealed.subarray(1)));
    },
  };
}

let dir: string;
beforeEach(() => {
  dir = tempDir('payme-token-');
});
afterEach(() => useTokenSealer(null));

describe('the device token in till-device.json', () => {
  it('is sealed where a keyring exists: the file holds no token, the till reads it back', () => {
    useTokenSealer(keyring(0x5a));
    writeTillDevice(dir, device);
    const text = readFileSync(deviceFilePath(dir), 'utf8');
    expect(text).not.toContain(token);
    expect(JSON.parse(text)).toMatchObject({ device_token_sealed: { scheme: 'test-keyring' } });
    expect(readTillDevice(dir)).toEqual(device);
  });

  it('is refused in words, never half-read, when this keyring cannot open it or none is there', () => {
    useTokenSealer(keyring(0x5a));
    writeTillDevice(dir, device);
    useTokenSealer(keyring(0x33));
    expect(() => readTillDevice(dir)).toThrow(DamagedFileError);
    expect(() => readTillDevice(dir)).toThrow(/keyring cannot open.*enrolled again with a new code from the owner/);
    useTokenSealer(null);
    expect(() => readTillDevice(dir)).toThrow(/sealed by test-keyring, which cannot be opened here.*same Windows, macOS or Linux user/);
    useTokenSealer(keyring(0x5a, 'another-scheme'));
    expect(() => readTillDevice(dir)).toThrow(/sealed by test-keyring/);
  });

  it('kept in clear by an older release is sealed on start; without a keyring it stays in clear', () => {
    writeTillDevice(dir, device);
    expect(readFileSync(deviceFilePath(dir), 'utf8')).toContain(token);
    expect(sealStoredToken(dir)).toBe(false);
    useTokenSealer(keyring(0x5a));
    expect(sealStoredToken(dir)).toBe(true);
    expect(readFileSync(deviceFilePath(dir), 'utf8')).not.toContain(token);
    expect(sealStoredToken(dir)).toBe(false);
    expect(readTillDevice(dir)?.enrollment.device_token).toBe(token);
  });

  it('a file that claims both a clear and a sealed token is damaged', () => {
    writeTillDevice(dir, device);
    // Never written by the till: a person or a tool merged two copies.
    const both = { ...(JSON.parse(readFileSync(deviceFilePath(dir), 'utf8')) as object), device_token_sealed: { scheme: 'test-keyring', data: 'AAAA' } };
    writeFileSync(deviceFilePath(dir), JSON.stringify(both));
    expect(() => readTillDevice(dir)).toThrow(/both in clear and sealed/);
  });
});

describe("Electron safeStorage as the sealer", () => {
  const storage = (available: boolean, backend?: string): SafeStorageLike => ({
    isEncryptionAvailable: () => available,
    encryptString: (text) => Buffer.from(`sealed:${text}`),
    decryptString: (sealed) => sealed.toString().replace(/^sealed:/, ''),
    ...(backend === undefined ? {} : { getSelectedStorageBackend: () => backend }),
  });

  it('seals on Windows and macOS when encryption is available, and on Linux only with a real keyring', () => {
    expect(safeStorageSealer(storage(true), 'win32').sealer).not.toBeNull();
    expect(safeStorageSealer(storage(true), 'darwin').sealer?.open(safeStorageSealer(storage(true), 'darwin').sealer!.seal(token))).toBe(token);
    expect(safeStorageSealer(storage(true, 'gnome_libsecret'), 'linux').sealer).not.toBeNull();
    expect(safeStorageSealer(storage(true, 'basic_text'), 'linux')).toEqual({ sealer: null, reason: "no keyring answers (Electron's backend is basic_text)" });
    expect(safeStorageSealer(storage(false), 'win32')).toEqual({ sealer: null, reason: 'the OS offers no encryption for this user' });
  });
});
