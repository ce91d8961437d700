/**
 * The Electron transport: the preload exposes `window.payme` (shared's `TillBridge`) through
 * contextBridge; main answers with `ipcMain.handle`. Refusals cross IPC as `{error: body}`
 * values (Electron flattens thrown Error objects to a string; a rejection is read too).
 */
import { isBridgeError, type TillBridge, type TillInput, type TillMethod, type TillOutput } from '@payme/shared';
import type { PrintHooks } from '../app-context.js';
import { errorFromBody, type TillTransport } from './transport.js';

declare global {
  interface Window {
    payme?: TillBridge;
  }
}

async function answerOf(pending: Promise<unknown>, fallback: string): Promise<unknown> {
  let result: unknown;
  try {
    result = await pending;
  } catch (error) {
    throw errorFromBody(error, 'The till program did not answer. Restart it if this happens again.');
  }
  if (isBridgeError(result)) throw errorFromBody(result.error, fallback);
  return result;
}

export function createIpcTransport(bridge: TillBridge): TillTransport {
  return {
    async call<M extends TillMethod>(method: M, input: TillInput<M>): Promise<TillOutput<M>> {
      return (await answerOf(bridge.call(method, input), 'The till answered with an error.')) as TillOutput<M>;
    },
  };
}

/** Receipt printing in Electron: silent, and raw ESC/POS with the drawer kick (UX 4). */
export function createIpcPrintHooks(bridge: TillBridge): PrintHooks {
  return {
    printReceipt: async () => void (await answerOf(bridge.printReceipt(), 'The receipt was not printed.')),
    printEscPos: async (bytes) => void (await answerOf(bridge.printEscPos(bytes), 'The receipt was not printed.')),
  };
}
