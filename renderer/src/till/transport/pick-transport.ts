/** The app picks its transport once at startup: IPC inside Electron, HTTP in a browser. */
import { createHttpTransport } from './transport.http.js';
import { createIpcTransport } from './transport.ipc.js';
import type { TillTransport } from './transport.js';

export function pickTransport(win: Pick<Window, 'payme'>): { transport: TillTransport; kind: 'ipc' | 'http' } {
  if (win.payme !== undefined) return { transport: createIpcTransport(win.payme), kind: 'ipc' };
  return { transport: createHttpTransport(), kind: 'http' };
}
