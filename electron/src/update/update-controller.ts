/**
 * Carries out the update policy (update-policy.ts) over an `UpdaterPort`: electron-updater in
 * the app (updater.electron.ts), a fake in the Node tests. The app calls `tick()` once a minute
 * and `onQuit()` when it closes; each does what is due and nothing else. One step at a time:
 * a tick while a check or a download runs does nothing.
 */
import { isoAt, type Clock } from '@payme/shared';
import type { PublisherKey } from './manifest-signature.js';
import { decideInstall, judgeOffer, nextCheckAt, type TillActivity, type UpdateSettings } from './update-policy.js';

export interface UpdaterPort {
  /** Asks the feed of `channel`; the offered manifest as parsed, or null when it offers nothing new for this till. */
  check(channel: string): Promise<unknown>;
  /** Downloads the offer of the last check (electron-updater checks its sha512). */
  download(): Promise<void>;
  /** Quits now and installs the downloaded update, then starts the till again. */
  installAndRestart(): void;
  /** Lets the quit under way install the downloaded update (electron-updater's autoInstallOnAppQuit). */
  installOnQuit(): void;
}

export interface UpdateStatus {
  enabled: boolean;
  channel: string;
  current_version: string;
  phase: 'idle' | 'checking' | 'downloading' | 'downloaded' | 'installing';
  last_check_at: string | null;
  next_check_at: string | null;
  downloaded_version: string | null;
  /** Why the last offer was not taken, or the last failure; null when there was none. */
  note: string | null;
}

export interface UpdateControllerOptions {
  port: UpdaterPort;
  clock: Clock;
  settings: UpdateSettings;
  key: PublisherKey | null;
  current_version: string;
  activity: () => TillActivity;
  log?: (line: string) => void;
}

export interface UpdateController {
  tick(): Promise<void>;
  /** The app is quitting: true when it installs the downloaded update on the way out. */
  onQuit(): boolean;
  status(): UpdateStatus;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createUpdateController(options: UpdateControllerOptions): UpdateController {
  const { port, clock, settings } = options;
  const log = options.log ?? (() => undefined);
  const check = { started_at: clock.now(), last_check_at: null as number | null, last_check_failed: false };
  let phase: UpdateStatus['phase'] = 'idle';
  let downloaded: string | null = null;
  let installNotBefore = 0;
  let note: string | null = null;

  async function checkAndDownload(): Promise<void> {
    phase = 'checking';
    check.last_check_at = clock.now();
    try {
      const manifest = await port.check(settings.channel);
      check.last_check_failed = false;
      if (manifest === null || manifest === undefined) return;
      const offer = judgeOffer({ current_version: options.current_version, manifest, key: options.key });
      if (!offer.take) {
        note = offer.reason;
        log(`update: not taken: ${offer.reason}`);
        return;
      }
      phase = 'downloading';
      log(`update: downloading ${offer.version} (${offer.kind})`);
      await port.download();
      downloaded = offer.version;
      note = null;
    } catch (error) {
      check.last_check_failed = true;
      note = `update check failed: ${message(error)}`;
      log(note);
    } finally {
      phase = downloaded === null ? 'idle' : 'downloaded';
    }
  }

  function installIfAllowed(): void {
    if (clock.now() < installNotBefore) return;
    const decision = decideInstall({ downloaded_version: downloaded, activity: options.activity(), now: clock.now(), quitting: false });
    if (!decision.install) {
      installNotBefore = decision.retry_at ?? Number.POSITIVE_INFINITY;
      note = `update ${downloaded} waits: ${decision.reason}`;
      return;
    }
    phase = 'installing';
    log(`update: installing ${downloaded}`);
    port.installAndRestart();
  }

  return {
    async tick() {
      if (phase !== 'idle' && phase !== 'downloaded') return;
      if (downloaded !== null) return installIfAllowed();
      const due = nextCheckAt(check, settings);
      if (due !== null && clock.now() >= due) await checkAndDownload();
    },
    onQuit() {
      if (phase === 'installing') return true;
      const decision = decideInstall({ downloaded_version: downloaded, activity: options.activity(), now: clock.now(), quitting: true });
      if (!decision.install) return false;
      phase = 'installing';
      log(`update: installing ${downloaded} on quit`);
      port.installOnQuit();
      return true;
    },
    status() {
      const due = nextCheckAt(check, settings);
      const iso = (ms: number | null) => (ms === null ? null : isoAt(ms));
      return {
        enabled: settings.enabled,
        channel: settings.channel,
        current_version: options.current_version,
        phase,
        last_check_at: iso(check.last_check_at),
        next_check_at: downloaded === null ? iso(due) : null,
        downloaded_version: downloaded,
        note,
      };
    },
  };
}
