/**
 * What enrollment hands the till besides its ledger identity: the server's address, the device
 * token (a secret: it is the till's password at the server) and the names shown on screen. It
 * lives in the till's data folder as `till-device.json`, readable by this OS user only (0600),
 * written durably (durable-file.ts) so a crash or a power cut never leaves half a token, and read
 * back with a message in words when it is damaged anyway.
 */
import path from 'node:path';
import { enrollResponseSchema } from '@payme/shared';
import { z } from 'zod';
import { readJsonFile, writeFileDurably } from './durable-file.js';

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
  return readJsonFile(deviceFilePath(dataDir), tillDeviceSchema, device_file_description);
}

export function writeTillDevice(dataDir: string, device: TillDevice): void {
  writeFileDurably(deviceFilePath(dataDir), `${JSON.stringify(device, null, 2)}\n`, { mode: 0o600 });
}
