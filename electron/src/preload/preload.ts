/**
 * The till page's only door to the till (DESIGN §2): `window.payme`, through contextBridge,
 * typed against the preload contract `TillBridge` of @payme/shared: a till API call and the
 * receipt printer (the page's view silently, or raw ESC/POS with the drawer kick). Sandboxed
 * preload: it imports nothing but Electron's renderer API (the channel names are bundled in,
 * the contract is a type), and passes plain data only.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { TillBridge } from '@payme/shared';
import { ipc_channels } from '../host/ipc-channels.js';

const bridge = {
  call: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(ipc_channels.call, String(method), input),
  printReceipt: (): Promise<unknown> => ipcRenderer.invoke(ipc_channels.printReceipt),
  printEscPos: (bytes: Uint8Array): Promise<unknown> => ipcRenderer.invoke(ipc_channels.printEscPos, bytes),
} satisfies TillBridge;

contextBridge.exposeInMainWorld('payme', bridge);
