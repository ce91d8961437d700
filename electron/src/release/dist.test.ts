import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { isUpdateManifest, publisherKeyFromEnvironment, signUpdateManifests, stagedAppPackage } from '../cli/dist.js';
import { generatePublisherKey, verifyManifest } from '../update/manifest-signature.js';
import { judgeOffer } from '../update/update-policy.js';

const dir = mkdtempSync(path.join(tmpdir(), 'payme-dist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const publisher = generatePublisherKey();

const latestLinux = `version: 0.2.0
files:
  - url: PayMe-Till-0.2.0-linux-x86_64.AppImage
    sha512: c2hhNTEyIG9mIHRoZSBBcHBJbWFnZQ==
    size: 123456
path: PayMe-Till-0.2.0-linux-x86_64.AppImage
sha512: c2hhNTEyIG9mIHRoZSBBcHBJbWFnZQ==
releaseDate: '2026-11-20T09:12:44.018Z'
`;

describe('npm run dist: the staged app and the signed manifests', () => {
  it('stages a package whose only dependency is better-sqlite3 at the locked version, with main beside the cashier app', () => {
    expect(stagedAppPackage({ version: '0.2.0', better_sqlite3: '12.11.1' })).toMatchObject({
      name: 'payme-till',
      productName: 'PayMe Till',
      version: '0.2.0',
      main: 'main.mjs',
      dependencies: { 'better-sqlite3': '12.11.1' },
    });
  });

  it('takes the publisher key from the environment and refuses a public key that does not match the signing key', () => {
    expect(publisherKeyFromEnvironment({})).toBeNull();
    expect(publisherKeyFromEnvironment({ PAYME_UPDATE_SIGNING_KEY: publisher.secret_key })).toEqual({ key_id: publisher.key_id, public_key: publisher.public_key });
    expect(publisherKeyFromEnvironment({ PAYME_UPDATE_PUBLIC_KEY: publisher.public_key })?.key_id).toBe(publisher.key_id);
    expect(() => publisherKeyFromEnvironment({ PAYME_UPDATE_SIGNING_KEY: publisher.secret_key, PAYME_UPDATE_PUBLIC_KEY: generatePublisherKey().public_key })).toThrow(/is not the public key/);
    expect(() => publisherKeyFromEnvironment({ PAYME_UPDATE_PUBLIC_KEY: 'abc' })).toThrow(/64 hex digits/);
  });

  it('signs every latest*.yml with the rollout percentage; the till accepts it, and a raised rollout is re-signed', () => {
    writeFileSync(path.join(dir, 'latest-linux.yml'), latestLinux);
    writeFileSync(path.join(dir, 'builder-debug.yml'), 'x: 1\n');
    expect(signUpdateManifests(dir, publisher.secret_key, { staging_percentage: 10, rollback: false })).toEqual([path.join(dir, 'latest-linux.yml')]);
    const signed = load(readFileSync(path.join(dir, 'latest-linux.yml'), 'utf8')) as Record<string, unknown>;
    expect(signed).toMatchObject({ version: '0.2.0', stagingPercentage: 10 });
    expect(verifyManifest(signed, publisher)).toEqual({ ok: true });
    expect(judgeOffer({ current_version: '0.1.0', manifest: signed, key: publisher })).toMatchObject({ take: true, kind: 'upgrade' });
    signUpdateManifests(dir, publisher.secret_key, { staging_percentage: 50, rollback: false });
    const raised = load(readFileSync(path.join(dir, 'latest-linux.yml'), 'utf8')) as Record<string, unknown>;
    expect(raised.stagingPercentage).toBe(50);
    expect(verifyManifest(raised, publisher)).toEqual({ ok: true });
  });

  it('marks a rollback so an installed newer till takes the older version, and refuses a bad percentage or an empty folder', () => {
    signUpdateManifests(dir, publisher.secret_key, { staging_percentage: 100, rollback: true });
    const rollback = load(readFileSync(path.join(dir, 'latest-linux.yml'), 'utf8'));
    expect(judgeOffer({ current_version: '0.3.0', manifest: rollback, key: publisher })).toMatchObject({ take: true, kind: 'rollback' });
    expect(() => signUpdateManifests(dir, publisher.secret_key, { staging_percentage: 0, rollback: false })).toThrow(/--staging/);
    expect(() => signUpdateManifests(mkdtempSync(path.join(dir, 'empty-')), publisher.secret_key, { staging_percentage: 5, rollback: false })).toThrow(/no update manifest/);
    expect(['latest.yml', 'latest-mac.yml', 'beta-linux.yml', 'builder-debug.yml', 'notes.txt'].filter(isUpdateManifest)).toEqual(['latest.yml', 'latest-mac.yml', 'beta-linux.yml']);
  });
});
