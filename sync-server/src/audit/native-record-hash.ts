/**
 * The server's chain hash (DESIGN §5): shared's fast RFC 8785 canonical JSON, digested with Node's
 * native SHA-256 rather than the pure-JS one browsers need. Ingest recomputes every pushed event's
 * hash and hashes one audit entry per event; with the shared `recordHash` that was the largest CPU
 * cost of a push. native-record-hash.test.ts proves equality with `recordHash`.
 */
import { createHash } from 'node:crypto';
import { fastCanonicalJson } from '@payme/shared';

/** RFC 8785 canonical JSON, identical to `canonicalJson` from @payme/shared. */
export const nativeCanonicalJson = fastCanonicalJson;

export function sha256HexNative(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The chain hash of a record, identical to `recordHash` from @payme/shared. */
export function nativeRecordHash(record: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...rest } = record;
  return sha256HexNative(fastCanonicalJson(rest));
}
