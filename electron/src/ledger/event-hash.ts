/**
 * The till's chain hash (DESIGN §5): shared's fast RFC 8785 canonical JSON, digested with Node's
 * native SHA-256 rather than the pure-JS one the browser needs. Byte for byte `recordHash` from
 * @payme/shared (event-hash.test.ts); the ledger's property test verifies every till-written chain
 * with the shared `verifyChain`.
 */
import { createHash } from 'node:crypto';
import { fastCanonicalJson } from '@payme/shared';

export { fastCanonicalJson };

export function sha256HexNative(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The chain hash of a record, identical to `recordHash` from @payme/shared. */
export function fastRecordHash(record: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...rest } = record;
  return sha256HexNative(fastCanonicalJson(rest));
}
