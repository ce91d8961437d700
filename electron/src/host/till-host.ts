/**
 * The till host: one ledger, one session, the enrollment state, and `call(method, input)` that
 * both transports (Electron IPC, the HTTP browser host) hand every request to. It provides the
 * till API's two host methods, `enroll` (first run) and `tillProfile`, to the dispatcher.
 */
import { makeDirectoryDurably } from './durable-file.js';
import path from 'node:path';
import { cryptoRandom, systemClock, type Clock, type Random, type TillProfileRecord } from '@payme/shared';
import { openLedger, type Ledger } from '../ledger/ledger.js';
import { dispatchTillCall, isCommandMethod, type DispatchContext, type DispatchResult, type MpesaPaymentSource, type SyncStatusSource } from './dispatch.js';
import { readTillDevice, type TillDevice } from './device-file.js';
import { enrollTill, resumeEnrollment, type FetchLike } from './enrollment.js';
import { createTillSession } from './till-session.js';
import { tillProfile } from './till-profile.js';
import type { TillActivity } from '../update/update-policy.js';
import { createPinChecks, type PinChecks } from './pin-checks.js';

export const ledger_file_name = 'till.db';

export interface TillHostOptions {
  ledger: Ledger;
  dataDir: string;
  clock: Clock;
  fetch: FetchLike;
  /** The server address the host was started with (`--server`), offered on the first-run screen. */
  serverUrlHint?: string;
  sync?: SyncStatusSource;
  payments?: MpesaPaymentSource;
  onInternalError?: (method: string, error: unknown) => void;
  /** PIN checks run before the ledger's command, off the main thread; the ledger must have been opened with their `verifyPin`. */
  pinChecks?: PinChecks;
  /** The receipt paper of this till (`--paper`), when not the default 80 mm. */
  paperMm?: 58 | 80;
}

export interface TillHost {
  readonly ledger: Ledger;
  readonly dataDir: string;
  call(method: string, input: unknown): Promise<DispatchResult>;
  profile(): TillProfileRecord;
  device(): TillDevice | null;
  /** Events not yet acknowledged by the server: what quitting must warn about. */
  unsyncedCount(): number;
  /** What the update policy asks before installing: an open shift, parked sales, the last call. */
  activity(): TillActivity;
  /** Lets the sync agent (when it starts) answer syncStatus and M-Pesa requests. */
  attach(sources: { sync?: SyncStatusSource; payments?: MpesaPaymentSource }): void;
  /** Called once the till is enrolled (at once when it already is): where sync starts. */
  whenEnrolled(listener: (device: TillDevice) => void): void;
  /** Called after every command that wrote to the ledger (with its method), so the sync agent pushes at once. */
  onLedgerWrite(listener: (method: string) => void): void;
  close(): void;
}

export function createTillHost(options: TillHostOptions): TillHost {
  const { ledger, dataDir } = options;
  let device = resumeEnrollment({ ledger, dataDir });
  const context: DispatchContext = { session: createTillSession(), sync: options.sync, payments: options.payments, onInternalError: options.onInternalError };
  const enrolledListeners: ((device: TillDevice) => void)[] = [];
  const writeListeners: ((method: string) => void)[] = [];
  let lastCallAt: number | null = null;
  const profile = () =>
    tillProfile(device, device === null ? [] : ledger.activeStaff(), options.serverUrlHint, {
      ...(device === null ? {} : ledger.receiptSettings()),
      ...(options.paperMm === undefined ? {} : { paper_mm: options.paperMm }),
    });

  context.host = {
    tillProfile: profile,
    async enroll(input) {
      const result = await enrollTill({ ledger, dataDir, fetch: options.fetch, clock: options.clock }, input);
      device = readTillDevice(dataDir);
      if (device !== null) for (const listener of enrolledListeners) listener(device);
      return result;
    },
  };

  return {
    ledger,
    dataDir,
    async call(method, input) {
      lastCallAt = options.clock.now();
      // A check that failed to run ahead is simply run again, in place, by the ledger.
      const release = (await options.pinChecks?.prepare(ledger, method, input).catch(() => undefined)) ?? (() => undefined);
      let result: DispatchResult;
      try {
        result = await dispatchTillCall(ledger, method, input, context);
      } finally {
        release();
      }
      if (result.ok && isCommandMethod(method)) for (const listener of writeListeners) listener(method);
      return result;
    },
    profile,
    device: () => device,
    unsyncedCount: () => ledger.unsyncedCount(),
    activity: () => ({ shift_open: ledger.currentShift().shift !== null, parked_sales: ledger.listParkedSales().sales.length, last_activity_at: lastCallAt }),
    attach(sources) {
      if (sources.sync !== undefined) context.sync = sources.sync;
      if (sources.payments !== undefined) context.payments = sources.payments;
    },
    whenEnrolled(listener) {
      enrolledListeners.push(listener);
      if (device !== null) listener(device);
    },
    onLedgerWrite(listener) {
      writeListeners.push(listener);
    },
    close: () => ledger.close(),
  };
}

/** The process edge: the real clock, the CSPRNG, `fetch`, and the ledger file in the data folder. */
export function openTillHost(
  dataDir: string,
  extra: { onInternalError?: (method: string, error: unknown) => void; serverUrlHint?: string; clock?: Clock; random?: Random; paperMm?: 58 | 80 } = {},
): TillHost {
  makeDirectoryDurably(dataDir, 0o700);
  const clock = extra.clock ?? systemClock;
  const pinChecks = createPinChecks();
  const ledger = openLedger({ path: path.join(dataDir, ledger_file_name), clock, random: extra.random ?? cryptoRandom, verifyPin: pinChecks.verifyPin });
  const options: TillHostOptions = { ledger, dataDir, clock, fetch: (url, init) => fetch(url, init), pinChecks };
  if (extra.onInternalError !== undefined) options.onInternalError = extra.onInternalError;
  if (extra.serverUrlHint !== undefined) options.serverUrlHint = extra.serverUrlHint;
  if (extra.paperMm !== undefined) options.paperMm = extra.paperMm;
  try {
    return createTillHost(options);
  } catch (error) {
    // A damaged device file stops the start: close the ledger rather than leave it open.
    ledger.close();
    throw error;
  }
}
