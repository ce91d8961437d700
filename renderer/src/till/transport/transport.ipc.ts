/**
 * The Electron transport: the preload exposes `window.payme.call(method, input)` through
 * contextBridge; main answers with `ipcMain.handle`. Errors cross IPC as `{code, message, field?}`
 * bodies (Electron flattens thrown Error objects to a string, so main rejects with the body or
 * resolves `{error: body}`); both shapes are accepted here.
 */
import type { TillInput, TillMethod, TillOutput } from '@payme/shared';
import { errorFromBody, type TillTransport } from './transport.js';

/** What the Electron preload puts on `window.payme`. */
export interface PaymeBridge {
  call(method: string, input: unknown): Promise<unknown>;
  /** Silent printing of the receipt view to the configured printer (webContents.print). */
  printReceipt?: () => Promise<void>;
  /** Raw ESC/POS bytes to a thermal printer, drawer kick included. */
  printEscPos?: (bytes: Uint8Array) => Promise<void>;
}

declare global {
  interface Window {
    payme?: PaymeBridge;
  }
}

function isErrorEnvelope(value: unknown): value is { error: unknown } {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 1 && 'error' in value;
}

export function createIpcTransport(bridge: PaymeBridge): TillTransport {
  return {
    async call<M extends TillMethod>(method: M, input: TillInput<M>): Promise<TillOutput<M>> {
      let result: unknown;
      try {
        result = await bridge.call(method, input);
      } catch (error) {
        throw errorFromBody(error, 'The till program did not answer. Restart it if this happens again.');
      }
      if (isErrorEnvelope(result)) throw errorFromBody(result.error, 'The till answered with an error.');
      return result as TillOutput<M>;
    },
  };
}
