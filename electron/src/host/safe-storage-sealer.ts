/**
 * The device token's sealer over Electron's `safeStorage` (issue 15), kept out of main so Node
 * tests cover the decision: seal only where the OS really protects the key. On Linux, Electron
 * falls back to `basic_text` (a fixed, public key) when no Secret Service or KWallet answers;
 * that is no better than the file's 0600 mode, so the token then stays in clear and the README
 * says so. The synchronous calls are used because the device file is read synchronously on
 * every request's token lookup; Electron still ships them (the async pair is the newer form).
 */
import type { TokenSealer } from './device-file.js';

/** The part of Electron's `safeStorage` this uses (structural, so Node tests pass a double). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Uint8Array;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export const safe_storage_scheme = 'electron-safestorage';

/** A sealer, or null with the reason when this PC cannot protect the key. */
export function safeStorageSealer(storage: SafeStorageLike, platform: NodeJS.Platform): { sealer: TokenSealer | null; reason: string } {
  if (!storage.isEncryptionAvailable()) return { sealer: null, reason: 'the OS offers no encryption for this user' };
  if (platform === 'linux') {
    const backend = storage.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') return { sealer: null, reason: `no keyring answers (Electron's backend is ${backend})` };
  }
  return {
    sealer: {
      scheme: safe_storage_scheme,
      seal: (token) => storage.encryptString(token),
      open: (sealed) => storage.decryptString(Buffer.from(sealed)),
    },
    reason: 'sealed with the OS keyring',
  };
}
