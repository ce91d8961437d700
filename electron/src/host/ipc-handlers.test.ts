/**
 * Electron main's answers to the preload (ipc-handlers.ts) with a stand-in ipcMain: a handler per
 * member of the preload contract, only for the till page, and receipts that reach the thermal
 * printer byte for byte (a file, and a network printer on a local TCP port) or, without one, the
 * page's own silent print.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { escpos_bytes_max, till_bridge_methods } from '@payme/shared';
import { ipc_channels } from './ipc-channels.js';
import { wireIpcHandlers, type IpcCall } from './ipc-handlers.js';
import type { EscPosTarget } from './escpos-printer.js';

type Handler = (call: IpcCall, ...args: unknown[]) => Promise<unknown>;

function wired(escpos: EscPosTarget | null) {
  const handlers = new Map<string, Handler>();
  const calls: { method: string; input: unknown }[] = [];
  wireIpcHandlers({ handle: (channel, handler) => void handlers.set(channel, handler) }, {
    host: { call: async (method, input) => (calls.push({ method, input }), { ok: true, value: { answered: method } }) },
    escpos,
  });
  let pagesPrinted = 0;
  const page = (fromTillPage = true, fail?: string): IpcCall => ({
    fromTillPage,
    printPage: async () => {
      if (fail !== undefined) throw new Error(fail);
      pagesPrinted += 1;
    },
  });
  const invoke = (channel: string, call: IpcCall, ...args: unknown[]) => handlers.get(channel)!(call, ...args);
  return { handlers, calls, page, invoke, printed: () => pagesPrinted };
}

const receipt = new Uint8Array([0x1b, 0x40, 0x48, 0x69, 0x0a, 0x1b, 0x70, 0x00, 0x19, 0xfa]); // init, "Hi", drawer kick

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('Electron main IPC handlers', () => {
  it('answers every member of the preload contract on its own channel', () => {
    const { handlers } = wired(null);
    expect([...handlers.keys()].sort()).toEqual(till_bridge_methods.map((method) => ipc_channels[method]).sort());
  });

  it('passes till calls to the host and refuses any page but the till', async () => {
    const { invoke, page, calls } = wired(null);
    expect(await invoke(ipc_channels.call, page(), 'syncStatus', {})).toEqual({ answered: 'syncStatus' });
    expect(await invoke(ipc_channels.call, page(false), 'syncStatus', {})).toEqual({ error: { code: 'forbidden', message: 'Only the till page may call the till' } });
    expect(await invoke(ipc_channels.printEscPos, page(false), receipt)).toMatchObject({ error: { code: 'forbidden' } });
    expect(calls).toHaveLength(1);
  });

  it('writes the ESC/POS bytes, drawer kick included, to a device path', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'payme-escpos-'));
    const device = path.join(dir, 'lp0');
    const { invoke, page, printed } = wired({ kind: 'device', path: device });
    expect(await invoke(ipc_channels.printEscPos, page(), receipt)).toBeNull();
    expect([...readFileSync(device)]).toEqual([...receipt]);
    expect(printed()).toBe(0);
  });

  it('sends the bytes to a network printer', async () => {
    const received: Buffer[] = [];
    const server = net.createServer((socket) => socket.on('data', (chunk) => received.push(chunk)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const { invoke, page } = wired({ kind: 'tcp', host: '127.0.0.1', port });
      expect(await invoke(ipc_channels.printEscPos, page(), receipt)).toBeNull();
      await expect.poll(() => Buffer.concat(received).length).toBe(receipt.length);
      expect([...Buffer.concat(received)]).toEqual([...receipt]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says in words when the printer cannot be reached, and refuses what is not a receipt', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { invoke, page } = wired({ kind: 'tcp', host: '127.0.0.1', port });
    expect(await invoke(ipc_channels.printEscPos, page(), receipt)).toMatchObject({ error: { code: 'printer_unavailable' } });
    expect(await invoke(ipc_channels.printEscPos, page(), 'not bytes')).toMatchObject({ error: { code: 'invalid_input', field: 'bytes' } });
    expect(await invoke(ipc_channels.printEscPos, page(), new Uint8Array(escpos_bytes_max + 1))).toMatchObject({ error: { code: 'invalid_input', field: 'bytes' } });
  });

  it('prints the page itself without a thermal printer, and reports a failed print as a value', async () => {
    const { invoke, page, printed } = wired(null);
    expect(await invoke(ipc_channels.printEscPos, page(), receipt)).toBeNull();
    expect(await invoke(ipc_channels.printReceipt, page())).toBeNull();
    expect(printed()).toBe(2);
    expect(await invoke(ipc_channels.printReceipt, page(true, 'Printer is out of paper'))).toEqual({
      error: { code: 'printer_unavailable', message: 'The receipt was not printed: Printer is out of paper' },
    });
  });
});
