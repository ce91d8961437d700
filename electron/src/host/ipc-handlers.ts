/**
 * Electron main's answers to the preload's channels, one per member of `TillBridge`, written
 * against a minimal `ipcMain` so Node tests cover them (main.ts only hands the real one in).
 * Only the till page may call: a frame from anywhere else is refused.
 */
import { PaymeError, type TillBridgeMethod } from '@payme/shared';
import { ipc_channels, ipcReply } from './ipc-channels.js';
import { escPosBytes, sendEscPos, type EscPosTarget } from './escpos-printer.js';
import type { TillHost } from './till-host.js';

/** What a handler learns of the call: whether it came from the till page, and how to print the page. */
export interface IpcCall {
  fromTillPage: boolean;
  /** Prints the calling page silently to the receipt printer (webContents.print). */
  printPage(): Promise<void>;
}

export interface IpcMainLike {
  handle(channel: string, handler: (call: IpcCall, ...args: unknown[]) => Promise<unknown>): void;
}

export interface IpcHandlerDeps {
  host: Pick<TillHost, 'call'>;
  /** The thermal printer for raw ESC/POS, or null: then ESC/POS prints the page instead. */
  escpos: EscPosTarget | null;
}

const refusal = { code: 'forbidden', message: 'Only the till page may call the till' } as const;

/** A print answers null, or `{error: body}` (a rejection would reach the page as a bare string). */
async function printed(call: IpcCall, print: () => Promise<void>): Promise<unknown> {
  if (!call.fromTillPage) return { error: refusal };
  try {
    await print();
    return null;
  } catch (error) {
    if (error instanceof PaymeError) return { error: error.toBody() };
    return { error: { code: 'printer_unavailable', message: `The receipt was not printed: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

export function wireIpcHandlers(ipc: IpcMainLike, deps: IpcHandlerDeps): void {
  const handlers: Record<TillBridgeMethod, (call: IpcCall, ...args: unknown[]) => Promise<unknown>> = {
    call: async (call, method, input) => (call.fromTillPage ? ipcReply(await deps.host.call(String(method), input)) : { error: refusal }),
    printReceipt: (call) => printed(call, () => call.printPage()),
    printEscPos: (call, bytes) =>
      printed(call, async () => {
        const checked = escPosBytes(bytes);
        // No thermal printer set up: the receipt view goes to the system printer (no drawer kick).
        if (deps.escpos === null) return call.printPage();
        await sendEscPos(deps.escpos, checked);
      }),
  };
  for (const method of Object.keys(handlers) as TillBridgeMethod[]) ipc.handle(ipc_channels[method], handlers[method]);
}
