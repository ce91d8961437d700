/**
 * The Ed25519 signature every update manifest (`latest.yml`, `latest-mac.yml`,
 * `latest-linux.yml`) carries, checked by the till on every platform before it downloads
 * anything (DESIGN §13). Windows and macOS also check the installer's OS signature; a Linux
 * AppImage or deb has none, so this is what stops a feed that was tampered with.
 *
 * The signature is detached from the bytes it covers: the manifest's field `payme_signature`
 * holds `{key_id, signature}`, the signature over the RFC 8785 canonical JSON of the manifest
 * without that field, as js-yaml parses it (electron-updater hands the till exactly that
 * object). Every field is covered, `sha512` of each file, `stagingPercentage` and
 * `payme_rollback` among them, so neither the rollout nor a downgrade can be forged; the
 * installer's own bytes are covered through the `sha512` electron-updater checks after download.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256Hex, canonicalJson } from '@payme/shared';

export const manifest_signature_field = 'payme_signature';
/** Beside Electron main in a packaged till: `{public_key, key_id}` of the update publisher. */
export const publisher_key_file_name = 'update-publisher-key.json';

const hex_key = /^[0-9a-f]{64}$/;
const hex_signature = /^[0-9a-f]{128}$/;

export interface PublisherKey {
  /** First 16 hex digits of the SHA-256 of the public key: names the key in the manifest. */
  key_id: string;
  public_key: string;
}

export interface ManifestSignature {
  key_id: string;
  signature: string;
}

export type ManifestCheck = { ok: true } | { ok: false; reason: string };

export function publisherKeyId(publicKeyHex: string): string {
  return sha256Hex(publicKeyHex).slice(0, 16);
}

export function publisherKeyFromSecret(secretKeyHex: string): PublisherKey {
  const secret = secretKeyHex.trim().toLowerCase();
  if (!hex_key.test(secret)) throw new Error('the update signing key must be 64 hex digits (an Ed25519 secret key)');
  const public_key = bytesToHex(ed25519.getPublicKey(hexToBytes(secret)));
  return { key_id: publisherKeyId(public_key), public_key };
}

export function generatePublisherKey(): { secret_key: string } & PublisherKey {
  const { secretKey } = ed25519.keygen();
  const secret_key = bytesToHex(secretKey);
  return { secret_key, ...publisherKeyFromSecret(secret_key) };
}

/** The bytes the signature covers: the manifest as plain JSON data, minus the signature field. */
function signedBytes(manifest: Readonly<Record<string, unknown>>): Uint8Array {
  const { [manifest_signature_field]: _signature, ...rest } = manifest;
  // A YAML timestamp parses to a Date; the JSON round trip makes it the same string on both sides.
  return utf8ToBytes(canonicalJson(JSON.parse(JSON.stringify(rest)) as unknown));
}

/** Returns a copy of `manifest` carrying its signature (the release step of `npm run dist`). */
export function signManifest(manifest: Readonly<Record<string, unknown>>, secretKeyHex: string): Record<string, unknown> {
  const key = publisherKeyFromSecret(secretKeyHex);
  const signature = bytesToHex(ed25519.sign(signedBytes(manifest), hexToBytes(secretKeyHex.trim().toLowerCase())));
  const { [manifest_signature_field]: _old, ...rest } = manifest;
  return { ...rest, [manifest_signature_field]: { key_id: key.key_id, signature } satisfies ManifestSignature };
}

/** Checks a parsed manifest against the publisher key shipped in the app. */
export function verifyManifest(manifest: unknown, key: PublisherKey | null): ManifestCheck {
  if (key === null) return { ok: false, reason: 'this build has no update publisher key, so it installs no update' };
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return { ok: false, reason: 'the update manifest is not a YAML mapping' };
  const record = manifest as Record<string, unknown>;
  const carried = record[manifest_signature_field];
  if (typeof carried !== 'object' || carried === null) return { ok: false, reason: `the update manifest carries no ${manifest_signature_field}` };
  const { key_id, signature } = carried as Partial<Record<keyof ManifestSignature, unknown>>;
  if (typeof signature !== 'string' || !hex_signature.test(signature)) return { ok: false, reason: 'the update manifest signature is not 128 hex digits' };
  if (key_id !== key.key_id) return { ok: false, reason: `the update manifest is signed with key ${String(key_id)}, not this publisher's ${key.key_id}` };
  let valid: boolean;
  try {
    valid = ed25519.verify(hexToBytes(signature), signedBytes(record), hexToBytes(key.public_key), { zip215: false });
  } catch (error) {
    return { ok: false, reason: `the update manifest could not be checked (${error instanceof Error ? error.message : String(error)})` };
  }
  return valid ? { ok: true } : { ok: false, reason: "the update manifest's signature does not match its content" };
}

/** The shipped key file (`update-publisher-key.json` beside main), or null when the build has none. */
export function parsePublisherKey(raw: unknown): PublisherKey | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { public_key } = raw as { public_key?: unknown };
  if (typeof public_key !== 'string' || !hex_key.test(public_key)) return null;
  return { key_id: publisherKeyId(public_key), public_key };
}
