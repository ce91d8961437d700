/**
 * Runs the sync agent (electron/src/sync) for an enrolled till host: it answers the status line
 * (`syncStatus`), is woken after every command that wrote, and keeps the device file current
 * when a recovery re-enrolls the till. Started when the till is enrolled, stopped on quit.
 */
import { cryptoRandom, systemClock } from '@payme/shared';
import { createHttpTransport, createSyncAgent, ledgerForSync, realScheduler, type SyncAgent } from '../sync/index.js';
import { createMpesaPayments } from '../sync/payments.js';
import { readTillDevice, writeTillDevice } from './device-file.js';
import type { TillHost } from './till-host.js';

export interface TillSync {
  agent(): SyncAgent | null;
  stop(): Promise<void>;
}

/** `appVersion`: this build's version, reported to the server for the owner's till page. */
export function startTillSync(host: TillHost, options: { appVersion?: string | undefined } = {}): TillSync {
  let agent: SyncAgent | null = null;
  host.whenEnrolled((device) => {
    if (agent !== null) return;
    // Read on every request: a re-enrollment during recovery replaces the token.
    const deviceToken = () => readTillDevice(host.dataDir)?.enrollment.device_token ?? null;
    agent = createSyncAgent({
      ledger: ledgerForSync(host.ledger),
      transport: createHttpTransport({ baseUrl: device.server_url, deviceToken }),
      clock: systemClock,
      random: cryptoRandom,
      scheduler: realScheduler,
      ...(options.appVersion === undefined ? {} : { appVersion: options.appVersion }),
      ...(device.enrollment.name === undefined ? {} : { tillName: device.enrollment.name }),
      onReenrolled: (enrollment) => {
        const current = readTillDevice(host.dataDir) ?? device;
        writeTillDevice(host.dataDir, { ...current, enrollment });
      },
    });
    const running = agent;
    // STK requests and payment reads go to the same server with the same device token.
    host.attach({ sync: { syncStatus: () => running.status() }, payments: createMpesaPayments({ baseUrl: device.server_url, deviceToken, ledger: host.ledger }) });
    agent.start();
  });
  host.onLedgerWrite(() => agent?.notifyLocalWrite());
  return {
    agent: () => agent,
    stop: async () => {
      await agent?.stop();
    },
  };
}
