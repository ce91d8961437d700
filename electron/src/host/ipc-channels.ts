import type { TillBridgeMethod } from '@payme/shared';
import type { DispatchResult } from './dispatch.js';

/**
 * The IPC channels between the till page's preload and Electron main, one per member of the
 * preload's contract (`TillBridge` in @payme/shared); nothing else is exposed.
 */
export const ipc_channels = {
  call: 'till:call',
  printReceipt: 'till:print-receipt',
  printEscPos: 'till:print-escpos',
} as const satisfies Record<TillBridgeMethod, string>;

/**
 * What `till:call` resolves with: the output, or `{error: body}`. Electron flattens a thrown
 * Error to a string, so a refusal travels as a value; the renderer's transport.ipc.ts reads it.
 */
export function ipcReply(result: DispatchResult): unknown {
  return result.ok ? result.value : { error: result.error };
}
