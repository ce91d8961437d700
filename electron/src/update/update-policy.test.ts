import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { ManualClock } from '@payme/shared';
import { generatePublisherKey, signManifest, verifyManifest } from './manifest-signature.js';
import {
  decideInstall,
  judgeOffer,
  nextCheckAt,
  parseUpdateSettings,
  update_check_interval_ms,
  update_check_retry_ms,
  update_first_check_delay_ms,
  update_idle_before_install_ms,
  type TillActivity,
} from './update-policy.js';
import { createUpdateController, type UpdaterPort } from './update-controller.js';

const publisher = generatePublisherKey();
const stranger = generatePublisherKey();

// What electron-builder writes to latest-linux.yml, as electron-updater parses it (js-yaml).
const manifestText = `version: 1.4.0
files:
  - url: PayMe-Till-1.4.0-linux-x86_64.AppImage
    sha512: 0O0hA2NDdS4mW8bkYbr8oqUKn1XQm7LYlsQv0xpbOpxfMfD0Q2FJqzAvnhZ2C3aR0hWSTvh0bUu8w+KvT0IdVw==
    size: 98765432
    blockMapSize: 104233
path: PayMe-Till-1.4.0-linux-x86_64.AppImage
sha512: 0O0hA2NDdS4mW8bkYbr8oqUKn1XQm7LYlsQv0xpbOpxfMfD0Q2FJqzAvnhZ2C3aR0hWSTvh0bUu8w+KvT0IdVw==
releaseDate: '2026-11-20T09:12:44.018Z'
stagingPercentage: 10
`;
const manifest = load(manifestText) as Record<string, unknown>;
const signed = signManifest(manifest, publisher.secret_key);

const idle: TillActivity = { shift_open: false, parked_sales: 0, last_activity_at: null };

describe('update manifest signature (Ed25519, every platform)', () => {
  it('accepts the manifest the publisher signed, also after a YAML round trip with a timestamp', () => {
    expect(verifyManifest(signed, publisher)).toEqual({ ok: true });
    const dated = signManifest(load('version: 1.4.0\nreleaseDate: 2026-11-20T09:12:44.018Z\n') as Record<string, unknown>, publisher.secret_key);
    expect(verifyManifest(dated, publisher)).toEqual({ ok: true });
  });

  it('refuses a manifest that is unsigned, signed by another key, or changed after signing (sha512, rollout, rollback flag)', () => {
    expect(verifyManifest(manifest, publisher)).toMatchObject({ ok: false, reason: expect.stringContaining('carries no payme_signature') });
    expect(verifyManifest(signManifest(manifest, stranger.secret_key), publisher)).toMatchObject({ ok: false, reason: expect.stringContaining('signed with key') });
    const forged = { ...signManifest(manifest, stranger.secret_key), payme_signature: { key_id: publisher.key_id, signature: (signManifest(manifest, stranger.secret_key).payme_signature as { signature: string }).signature } };
    expect(verifyManifest(forged, publisher)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
    for (const change of [{ sha512: 'AAAA' }, { stagingPercentage: 100 }, { payme_rollback: true }, { version: '1.4.1' }]) {
      expect(verifyManifest({ ...signed, ...change }, publisher)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
    }
  });

  it('refuses everything when the build ships no publisher key', () => {
    expect(verifyManifest(signed, null)).toMatchObject({ ok: false, reason: expect.stringContaining('no update publisher key') });
  });
});

describe('which offer the till takes', () => {
  it('takes a signed newer version, ignores the same one, and refuses an older one unless signed as a rollback', () => {
    expect(judgeOffer({ current_version: '1.3.2', manifest: signed, key: publisher })).toEqual({ take: true, version: '1.4.0', kind: 'upgrade' });
    expect(judgeOffer({ current_version: '1.4.0', manifest: signed, key: publisher })).toMatchObject({ take: false, reason: '1.4.0 is already installed' });
    expect(judgeOffer({ current_version: '1.5.0', manifest: signed, key: publisher })).toMatchObject({ take: false, reason: expect.stringContaining('did not sign it as a rollback') });
    const rollback = signManifest({ ...manifest, payme_rollback: true }, publisher.secret_key);
    expect(judgeOffer({ current_version: '1.5.0', manifest: rollback, key: publisher })).toEqual({ take: true, version: '1.4.0', kind: 'rollback' });
  });

  it('refuses an unsigned newer version', () => {
    expect(judgeOffer({ current_version: '1.3.2', manifest, key: publisher })).toMatchObject({ take: false });
  });
});

describe('when the till checks', () => {
  const settings = parseUpdateSettings({});
  it('checks a few minutes after start, then every few hours, sooner after a failure, never when IT turned updates off', () => {
    expect(nextCheckAt({ started_at: 1_000, last_check_at: null, last_check_failed: false }, settings)).toBe(1_000 + update_first_check_delay_ms);
    expect(nextCheckAt({ started_at: 1_000, last_check_at: 5_000, last_check_failed: false }, settings)).toBe(5_000 + update_check_interval_ms);
    expect(nextCheckAt({ started_at: 1_000, last_check_at: 5_000, last_check_failed: true }, settings)).toBe(5_000 + update_check_retry_ms);
    expect(nextCheckAt({ started_at: 1_000, last_check_at: null, last_check_failed: false }, parseUpdateSettings({ enabled: false }))).toBeNull();
  });

  it('reads update-settings.json leniently: a nonsense channel keeps `latest`', () => {
    expect(parseUpdateSettings({ channel: 'beta' })).toEqual({ enabled: true, channel: 'beta' });
    expect(parseUpdateSettings({ channel: '../../etc', enabled: 'yes' })).toEqual({ enabled: true, channel: 'latest' });
    expect(parseUpdateSettings(null)).toEqual({ enabled: true, channel: 'latest' });
  });
});

describe('when a downloaded update installs', () => {
  const now = 10_000_000;
  const decide = (activity: Partial<TillActivity>, quitting = false) => decideInstall({ downloaded_version: '1.4.0', activity: { ...idle, ...activity }, now, quitting });

  it('never during an open shift or while a parked sale waits, even on quit', () => {
    expect(decide({ shift_open: true })).toMatchObject({ install: false, reason: expect.stringContaining('shift is open') });
    expect(decide({ shift_open: true }, true)).toMatchObject({ install: false, retry_at: null });
    expect(decide({ parked_sales: 2 })).toMatchObject({ install: false, reason: expect.stringContaining('2 parked sale(s)') });
  });

  it('not within minutes of the last till call; then it installs and restarts; on quit it installs without restarting', () => {
    expect(decide({ last_activity_at: now - 60_000 })).toEqual({ install: false, reason: expect.any(String), retry_at: now - 60_000 + update_idle_before_install_ms });
    expect(decide({ last_activity_at: now - update_idle_before_install_ms })).toEqual({ install: true, restart: true });
    expect(decide({ last_activity_at: now - 60_000 }, true)).toEqual({ install: true, restart: false });
    expect(decideInstall({ downloaded_version: null, activity: idle, now, quitting: true })).toMatchObject({ install: false });
  });
});

describe('the update controller over a fake electron-updater', () => {
  function rig(offer: unknown, activity: TillActivity = idle) {
    const clock = new ManualClock(0);
    const calls: string[] = [];
    const state = { activity };
    const port: UpdaterPort = {
      check: async (channel) => {
        calls.push(`check ${channel}`);
        return offer;
      },
      download: async () => {
        calls.push('download');
      },
      installAndRestart: () => calls.push('install restart=true'),
      installOnQuit: () => calls.push('install restart=false'),
    };
    const controller = createUpdateController({ port, clock, settings: parseUpdateSettings({}), key: publisher, current_version: '1.3.2', activity: () => state.activity });
    return { clock, calls, controller, state };
  }

  it('checks when due, downloads a signed upgrade, waits for the shift to close and the till to be idle, then installs once', async () => {
    const { clock, calls, controller, state } = rig(signed, { shift_open: true, parked_sales: 0, last_activity_at: 0 });
    await controller.tick();
    expect(calls).toEqual([]);
    clock.advance(update_first_check_delay_ms);
    await controller.tick();
    expect(calls).toEqual(['check latest', 'download']);
    expect(controller.status()).toMatchObject({ phase: 'downloaded', downloaded_version: '1.4.0' });
    await controller.tick();
    expect(controller.status().note).toContain('shift is open');
    expect(controller.onQuit()).toBe(false);
    state.activity = { shift_open: false, parked_sales: 0, last_activity_at: clock.now() };
    clock.advance(update_idle_before_install_ms);
    await controller.tick();
    expect(calls).toEqual(['check latest', 'download', 'install restart=true']);
    await controller.tick();
    expect(calls).toHaveLength(3);
  });

  it('never downloads an offer whose signature fails, and says why in its status', async () => {
    const { clock, calls, controller } = rig({ ...signed, stagingPercentage: 100 });
    clock.advance(update_first_check_delay_ms);
    await controller.tick();
    expect(calls).toEqual(['check latest']);
    expect(controller.status()).toMatchObject({ phase: 'idle', downloaded_version: null, note: expect.stringContaining('does not match') });
  });

  it('retries a failed check sooner, and installs on quit once the shift is closed', async () => {
    const clock = new ManualClock(0);
    let fail = true;
    const calls: string[] = [];
    const controller = createUpdateController({
      port: {
        check: async () => {
          if (fail) throw new Error('ENOTFOUND updates.example');
          return signed;
        },
        download: async () => undefined,
        installAndRestart: () => calls.push('install restart=true'),
        installOnQuit: () => calls.push('install restart=false'),
      },
      clock,
      settings: parseUpdateSettings({}),
      key: publisher,
      current_version: '1.3.2',
      activity: () => idle,
    });
    clock.advance(update_first_check_delay_ms);
    await controller.tick();
    expect(controller.status()).toMatchObject({ note: expect.stringContaining('ENOTFOUND'), next_check_at: new Date(clock.now() + update_check_retry_ms).toISOString() });
    fail = false;
    clock.advance(update_check_retry_ms);
    await controller.tick();
    expect(controller.onQuit()).toBe(true);
    expect(calls).toEqual(['install restart=false']);
  });
});
