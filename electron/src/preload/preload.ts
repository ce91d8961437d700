/**
 * The till page's only door to the till (DESIGN §2): `window.payme.call(method, input)` and the
 * receipt printer, through contextBridge. Sandboxed preload: it imports nothing but Electron's
 * renderer API (the channel names are bundled in), and passes plain data only.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { ipc_channels } from '../host/ipc-channels.js';

contextBridge.exposeInMainWorld('payme', {
  call: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(ipc_channels.call, String(method), input),
  printReceipt: async (): Promise<void> => {
    await ipcRenderer.invoke(ipc_channels.printReceipt);
  },
});
