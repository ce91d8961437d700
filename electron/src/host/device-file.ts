/**
 * What enrollment hands the till besides its ledger identity: the server's address, the device
 * token (a secret: it is the till's password at the server) and the names shown on screen. It
 * lives in the till's data folder as `till-device.json`, readable by this OS user only (0600),
 * written durably (durable-file.ts) so a crash or a power cut never leaves half a token, and read
 * back with a message in words when it is damaged anyway.
 *
 * Where the OS offers it, the token itself is sealed (issue 15): the Electron app installs a
 * `TokenSealer` over `safeStorage` (DPAPI on Windows, the Keychain on macOS, the Secret Service
 * or KWallet on Linux), and the file then holds `device_token_sealed` instead of the token, so a
 * copy of the file (a backup, a diagnostics bundle, a stolen disk) does not carry a usable
 * token. Without a sealer (the browser host, the CLI, a Linux PC with no keyring) the token is
 * kept in clear, protected by the file's 0600 mode only; the README says so.
 */
import path from 'node:path';
import { enrollResponseSchema } from '@payme/shared';
import { z } from 'zod';
import { DamagedFileError, readJsonFile, writeFileDurably } from './durable-file.js';

/** Seals and opens the device token with a key the OS keeps for this user (Electron `safeStorage`). */
export interface TokenSealer {
  /** A name written beside the sealed token, so a reader knows what opens it. */
  readonly scheme: string;
  seal(token: string): Uint8Array;
  open(sealed: Uint8Array): string;
}

let sealer: TokenSealer | null = null;

/** Installed once by Electron main before the host opens; null puts tokens back in clear. */
export function useTokenSealer(next: TokenSealer | null): void {
  sealer = next;
}

const storedDeviceSchema = z
  .object({
    server_url: z.url({ protocol: /^https?$/ }),
    enrollment: enrollResponseSchema.extend({ device_token: enrollResponseSchema.shape.device_token.optional() }),
    device_token_sealed: z.object({ scheme: z.string().min(1).max(40), data: z.base64().max(4_000) }).optional(),
    shop_name: z.string().min(1).max(120),
    enrolled_at: z.string(),
  })
  .refine((file) => (file.enrollment.device_token === undefined) !== (file.device_token_sealed === undefined), {
    error: 'holds the device token both in clear and sealed, or neither',
  });

export const device_file_name = 'till-device.json';

export const tillDeviceSchema = z.object({
  server_url: z.url({ protocol: /^https?$/ }),
  enrollment: enrollResponseSchema,
  /** The business's name as the server knows it, for the login screen and receipts. */
  shop_name: z.string().min(1).max(120),
  enrolled_at: z.string(),
});
export type TillDevice = z.infer<typeof tillDeviceSchema>;

export function deviceFilePath(dataDir: string): string {
  return path.join(dataDir, device_file_name);
}

const device_file_description = {
  what: "the till's enrollment: its server address and device token",
  remedy:
    "Restore till-device.json from a backup of this till's data folder; if there is none, the till must be enrolled again with a new code from the owner.",
};

/** The enrollment, null before the till was enrolled; a damaged file throws a DamagedFileError in words. */
export function readTillDevice(dataDir: string): TillDevice | null {
  const file = deviceFilePath(dataDir);
  const stored = readJsonFile(file, storedDeviceSchema, device_file_description);
  if (stored === null) return null;
  const { device_token_sealed, enrollment, ...rest } = stored;
  if (device_token_sealed === undefined) return { ...rest, enrollment: { ...enrollment, device_token: enrollment.device_token! } };
  if (sealer === null || sealer.scheme !== device_token_sealed.scheme) {
    throw new DamagedFileError(
      `${file} (${device_file_description.what})`,
      `holds the device token sealed by ${device_token_sealed.scheme}, which cannot be opened here`,
      'Start the installed till app as the same Windows, macOS or Linux user that enrolled it; if that user or its keyring is gone, the till must be enrolled again with a new code from the owner.',
    );
  }
  let device_token: string;
  try {
    device_token = sealer.open(Buffer.from(device_token_sealed.data, 'base64'));
  } catch {
    throw new DamagedFileError(
      `${file} (${device_file_description.what})`,
      "holds a sealed device token this user's keyring cannot open",
      'The keyring was reset or the file came from another user or PC: the till must be enrolled again with a new code from the owner.',
    );
  }
  return tillDeviceSchema.parse({ ...rest, enrollment: { ...enrollment, device_token } });
}

export function writeTillDevice(dataDir: string, device: TillDevice): void {
  let stored: unknown = device;
  if (sealer !== null) {
    const { device_token, ...enrollment } = device.enrollment;
    stored = { ...device, enrollment, device_token_sealed: { scheme: sealer.scheme, data: Buffer.from(sealer.seal(device_token)).toString('base64') } };
  }
  writeFileDurably(deviceFilePath(dataDir), `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
}

/** Seals a token an older release (or a till without a keyring then) kept in clear; true when it did. */
export function sealStoredToken(dataDir: string): boolean {
  if (sealer === null) return false;
  const stored = readJsonFile(deviceFilePath(dataDir), storedDeviceSchema, device_file_description);
  if (stored === null || stored.device_token_sealed !== undefined) return false;
  const device = readTillDevice(dataDir);
  if (device === null) return false;
  writeTillDevice(dataDir, device);
  return true;
}
