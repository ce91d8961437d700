/**
 * Raw ESC/POS to the receipt printer (UX 4: silent printing and the cash drawer's kick), from
 * Electron main. The target is configured per till (`--escpos` / PAYME_ESCPOS_PRINTER):
 *   - `tcp://HOST:PORT`: a network thermal printer (port 9100, "raw" or JetDirect printing);
 *   - anything else: a device or file path the bytes are written to (`/dev/usb/lp0`, `COM3`,
 *     `\\localhost\Receipt` for a shared Windows printer).
 * Plain Node, so tests drive it against a local TCP server and a file.
 */
import { appendFile } from 'node:fs/promises';
import net from 'node:net';
import { PaymeError, escpos_bytes_max } from '@payme/shared';

/** How long a network printer may take to accept a receipt before the print fails. */
export const escpos_send_timeout_ms = 10_000;

export type EscPosTarget = { kind: 'tcp'; host: string; port: number } | { kind: 'device'; path: string };

export function parseEscPosTarget(text: string): EscPosTarget {
  const tcp = /^tcp:\/\/([^/:]+|\[[0-9a-f:]+\]):(\d{1,5})\/?$/i.exec(text.trim());
  if (tcp !== null) {
    const port = Number(tcp[2]);
    if (port < 1 || port > 65_535) throw new PaymeError('invalid_input', `--escpos: port ${port} is not a TCP port (1 to 65535)`, 'escpos');
    return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
  }
  if (/^[a-z]+:\/\//i.test(text)) throw new PaymeError('invalid_input', '--escpos: give tcp://HOST:PORT or a device path such as /dev/usb/lp0', 'escpos');
  return { kind: 'device', path: text.trim() };
}

/** Checks what the page sent: bytes, not empty, within `escpos_bytes_max`. */
export function escPosBytes(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new PaymeError('invalid_input', 'bytes: the receipt must be ESC/POS bytes', 'bytes');
  if (value.byteLength === 0 || value.byteLength > escpos_bytes_max) {
    throw new PaymeError('invalid_input', `bytes: a receipt is 1 to ${escpos_bytes_max} bytes`, 'bytes', { max: escpos_bytes_max });
  }
  return value;
}

function sendTcp(target: { host: string; port: number }, bytes: Uint8Array, timeout_ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new PaymeError('printer_unavailable', `The receipt printer at ${target.host}:${target.port} ${reason}; check that it is on and connected`));
    };
    socket.setTimeout(timeout_ms, () => fail(`did not take the receipt within ${timeout_ms / 1000} s`));
    socket.once('error', (error) => fail(`cannot be reached (${error.message})`));
    socket.once('connect', () => socket.end(bytes));
    socket.once('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
}

export async function sendEscPos(target: EscPosTarget, bytes: Uint8Array, timeout_ms = escpos_send_timeout_ms): Promise<void> {
  if (target.kind === 'tcp') return sendTcp(target, bytes, timeout_ms);
  try {
    // Appending: a character device ignores it, and a mistyped path to a real file is never truncated.
    await appendFile(target.path, bytes);
  } catch (error) {
    throw new PaymeError('printer_unavailable', `The receipt printer ${target.path} cannot be written to (${(error as Error).message}); check the cable and the --escpos setting`);
  }
}
