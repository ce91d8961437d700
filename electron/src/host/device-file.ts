/**
 * What enrollment hands the till besides its ledger identity: the server's address, the device
 * token (a secret: it is the till's password at the server) and the names shown on screen. It
 * lives in the till's data folder as `till-device.json`, readable by this OS user only (0600),
 * written atomically so a crash never leaves half a token.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { enrollResponseSchema } from '@payme/shared';
import { z } from 'zod';

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

export function readTillDevice(dataDir: string): TillDevice | null {
  const file = deviceFilePath(dataDir);
  if (!existsSync(file)) return null;
  const parsed = tillDeviceSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is damaged (${parsed.error.issues[0]?.message ?? 'unreadable'}); restore it from a backup or re-enroll`);
  return parsed.data;
}

export function writeTillDevice(dataDir: string, device: TillDevice): void {
  const file = deviceFilePath(dataDir);
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(device, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  // writeFileSync's mode only applies when it creates the file; a leftover .tmp keeps its old mode.
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}
