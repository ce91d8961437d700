/**
 * When the till looks for an update, which offer it takes, and when it installs (DESIGN §13).
 * Plain functions of the till's state and the time, so Node tests cover every rule; the
 * Electron side (updater.electron.ts) only carries them out through electron-updater.
 *
 * - It checks a few minutes after start and then every few hours; after a failed check, sooner.
 * - It takes only a manifest signed by the publisher key shipped in the app. A newer version is
 *   an upgrade; an older one only when the signed manifest says `payme_rollback: true` (the
 *   publisher's rollback of a bad release, DESIGN §13), so a replayed old manifest cannot
 *   downgrade a till. The staged rollout (`stagingPercentage`) is electron-updater's, inside the
 *   same signed manifest.
 * - It installs never while a shift is open (a sale needs one) or a parked sale waits, and not
 *   within minutes of the last thing a cashier did; on quit, as soon as no shift is open.
 */
import semver from 'semver';
import { verifyManifest, type PublisherKey } from './manifest-signature.js';

export const update_first_check_delay_ms = 3 * 60_000;
export const update_check_interval_ms = 4 * 60 * 60_000;
export const update_check_retry_ms = 20 * 60_000;
/** No install within this long of the last till call (a cashier may be mid-sale on screen). */
export const update_idle_before_install_ms = 10 * 60_000;
export const update_install_retry_ms = 5 * 60_000;

export interface UpdateSettings {
  /** IT can turn updates off for one till (update-settings.json in its data folder). */
  enabled: boolean;
  /** The manifest the till follows: `latest` (latest*.yml) or another channel the publisher keeps. */
  channel: string;
}

export const default_update_settings: UpdateSettings = { enabled: true, channel: 'latest' };

const channel_pattern = /^[a-z][a-z0-9-]{0,31}$/;

/** update-settings.json, read leniently: a field that does not make sense keeps its default. */
export function parseUpdateSettings(raw: unknown): UpdateSettings {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    enabled: typeof record.enabled === 'boolean' ? record.enabled : default_update_settings.enabled,
    channel: typeof record.channel === 'string' && channel_pattern.test(record.channel) ? record.channel : default_update_settings.channel,
  };
}

export interface CheckState {
  started_at: number;
  last_check_at: number | null;
  last_check_failed: boolean;
}

/** When the next check is due, or null when updates are off. */
export function nextCheckAt(state: CheckState, settings: UpdateSettings): number | null {
  if (!settings.enabled) return null;
  if (state.last_check_at === null) return state.started_at + update_first_check_delay_ms;
  return state.last_check_at + (state.last_check_failed ? update_check_retry_ms : update_check_interval_ms);
}

export type OfferDecision =
  | { take: true; version: string; kind: 'upgrade' | 'rollback' }
  | { take: false; reason: string };

/** Whether to download what the feed offers. */
export function judgeOffer(input: { current_version: string; manifest: unknown; key: PublisherKey | null }): OfferDecision {
  const signed = verifyManifest(input.manifest, input.key);
  if (!signed.ok) return { take: false, reason: signed.reason };
  const manifest = input.manifest as Record<string, unknown>;
  const version = typeof manifest.version === 'string' ? semver.valid(manifest.version) : null;
  const current = semver.valid(input.current_version);
  if (version === null) return { take: false, reason: `the update manifest's version ${JSON.stringify(manifest.version)} is not a version number` };
  if (current === null) return { take: false, reason: `the installed version ${JSON.stringify(input.current_version)} is not a version number` };
  if (semver.eq(version, current)) return { take: false, reason: `${version} is already installed` };
  if (semver.gt(version, current)) return { take: true, version, kind: 'upgrade' };
  if (manifest.payme_rollback === true) return { take: true, version, kind: 'rollback' };
  return { take: false, reason: `${version} is older than the installed ${current}, and the publisher did not sign it as a rollback` };
}

export interface TillActivity {
  shift_open: boolean;
  parked_sales: number;
  /** The last till API call from the page (ms), or null when there was none since start. */
  last_activity_at: number | null;
}

export type InstallDecision =
  | { install: true; restart: boolean }
  | { install: false; reason: string; retry_at: number | null };

/** Whether a downloaded update may be installed now (`quitting`: the app is closing anyway). */
export function decideInstall(input: { downloaded_version: string | null; activity: TillActivity; now: number; quitting: boolean }): InstallDecision {
  const { activity, now } = input;
  if (input.downloaded_version === null) return { install: false, reason: 'no update is downloaded', retry_at: null };
  const later = input.quitting ? null : now + update_install_retry_ms;
  if (activity.shift_open) return { install: false, reason: 'a shift is open on this till; the update installs after it is closed', retry_at: later };
  if (activity.parked_sales > 0) return { install: false, reason: `${activity.parked_sales} parked sale(s) wait on this till`, retry_at: later };
  if (input.quitting) return { install: true, restart: false };
  if (activity.last_activity_at !== null && now - activity.last_activity_at < update_idle_before_install_ms) {
    return { install: false, reason: 'the till was used in the last few minutes', retry_at: activity.last_activity_at + update_idle_before_install_ms };
  }
  return { install: true, restart: true };
}
