/**
 * The Electron preload's contract (DESIGN §2): what the till page finds on `window.payme`. The
 * preload's exposed object `satisfies TillBridge` (Actual Budget's preload does the same with
 * `satisfies typeof global.Actual`), and the renderer's IPC transport and print hooks are typed
 * against it, so the page cannot call what the preload lacks; a test also compares the names the
 * renderer uses with the object the preload exposes (electron/src/preload/preload.test.ts).
 */

/** Raw ESC/POS bytes one print may carry (a long receipt with its drawer kick is a few KiB). */
export const escpos_bytes_max = 256 * 1024;

/**
 * Every member answers a value, never a rejection: Electron flattens an Error thrown in main to a
 * string, so a refusal travels as `{error: {code, message, field?}}` (see isBridgeError).
 */
export interface TillBridge {
  /** One till API call (`tillApi` in schemas/till-api.ts): the output, or `{error: body}`. */
  call(method: string, input: unknown): Promise<unknown>;
  /** Prints the receipt view silently to the configured printer (Electron's webContents.print): null, or `{error: body}`. */
  printReceipt(): Promise<unknown>;
  /**
   * Sends ESC/POS bytes (the receipt and the drawer kick) to the thermal printer the till was set
   * up with; without one, prints the receipt view silently instead (no drawer kick). null, or
   * `{error: body}`.
   */
  printEscPos(bytes: Uint8Array): Promise<unknown>;
}

/** A bridge answer that is a refusal: exactly `{error: body}`. */
export function isBridgeError(value: unknown): value is { error: unknown } {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 1 && 'error' in value;
}

export type TillBridgeMethod = keyof TillBridge;

/** Every member of `TillBridge`, for the code that must list them (IPC channels, tests). */
export const till_bridge_methods = ['call', 'printReceipt', 'printEscPos'] as const satisfies readonly TillBridgeMethod[];

// The list names every member: a member added to TillBridge and not here fails the typecheck.
type Unlisted = Exclude<TillBridgeMethod, (typeof till_bridge_methods)[number]>;
export const till_bridge_methods_complete: [Unlisted] extends [never] ? true : never = true;
