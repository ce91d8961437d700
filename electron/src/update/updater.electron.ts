/**
 * electron-updater under the till's update policy (DESIGN §13), for Electron main. The port is
 * all this file adds: every decision is update-controller.ts / update-policy.ts, tested in Node.
 * It typechecks against electron-updater and runs only inside a packaged Electron app.
 *
 * electron-updater is told to decide nothing itself: no automatic download, no install on quit
 * unless the controller allows it, and a downgrade passes its own version check so that the
 * controller can take a publisher-signed rollback. It still applies the manifest's
 * `stagingPercentage`, the sha512 of the download and, on Windows and macOS, the OS signature
 * of the same publisher (`verifyUpdateCodeSignature`, Squirrel.Mac's code requirement).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import electronUpdater from 'electron-updater';
import { systemClock } from '@payme/shared';
import { parsePublisherKey, publisher_key_file_name, type PublisherKey } from './manifest-signature.js';
import { createUpdateController, type UpdateController } from './update-controller.js';
import { parseUpdateSettings, type TillActivity } from './update-policy.js';

export const update_settings_file_name = 'update-settings.json';
const update_tick_ms = 60_000;

function readJson(file: string): unknown {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The publisher key `npm run dist` put beside main, or null for a build without one. */
export function shippedPublisherKey(mainDir: string): PublisherKey | null {
  return parsePublisherKey(readJson(path.join(mainDir, publisher_key_file_name)));
}

export function startTillUpdates(options: { mainDir: string; dataDir: string; version: string; activity: () => TillActivity; log: (line: string) => void }): { controller: UpdateController; stop(): void } {
  const { autoUpdater } = electronUpdater;
  const settings = parseUpdateSettings(readJson(path.join(options.dataDir, update_settings_file_name)));
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  autoUpdater.allowDowngrade = true;
  autoUpdater.channel = settings.channel;
  autoUpdater.logger = { info: options.log, warn: options.log, error: (line: unknown) => options.log(String(line)), debug: () => undefined };
  const controller = createUpdateController({
    port: {
      async check() {
        const result = await autoUpdater.checkForUpdates();
        return result?.isUpdateAvailable === true ? result.updateInfo : null;
      },
      async download() {
        await autoUpdater.downloadUpdate();
      },
      installAndRestart: () => autoUpdater.quitAndInstall(true, true),
      installOnQuit: () => {
        autoUpdater.autoInstallOnAppQuit = true;
      },
    },
    clock: systemClock,
    settings,
    key: shippedPublisherKey(options.mainDir),
    current_version: options.version,
    activity: options.activity,
    log: options.log,
  });
  const timer = setInterval(() => void controller.tick(), update_tick_ms);
  return { controller, stop: () => clearInterval(timer) };
}
