/**
 * Event and audit hashing (DESIGN §5): hash = lowercase hex SHA-256 of the RFC 8785 (JSON
 * Canonicalization Scheme) serialisation of the record without its `hash` field; `prev_hash`
 * is the previous record's hash, and 64 zeros before the first. The same bytes are produced in
 * Node and in browsers (pure-JS canonicalize and SHA-256, UTF-8 by @noble/hashes).
 */
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** `prev_hash` of the first record of a chain. */
export const genesis_hash = '0'.repeat(64);

export const hash_pattern = /^[0-9a-f]{64}$/;

/** RFC 8785 canonical JSON. Refuses what JSON cannot carry (undefined, NaN, Infinity, lone surrogates). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** The hash of a chained record: SHA-256 over the canonical JSON of every field but `hash`. */
export function recordHash(record: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...rest } = record;
  return sha256Hex(canonicalJson(rest));
}

/** A record in a hash chain: events carry `seq`, audit entries their own sequence number. */
export interface ChainedRecord {
  seq: number;
  prev_hash: string;
  hash: string;
  [field: string]: unknown;
}

export type ChainBreak =
  | { seq: number; index: number; problem: 'hash_mismatch'; expected: string; actual: string }
  | { seq: number; index: number; problem: 'prev_hash_mismatch'; expected: string; actual: string }
  | { seq: number; index: number; problem: 'seq_gap'; expected: number; actual: number };

/**
 * Verifies a chain in order from `startSeq` (1 by default, after `startPrevHash`). Returns the
 * first break, or null when every record's hash recomputes and links to the one before it. A
 * changed field breaks that record's hash; a removed or reordered record breaks seq or the link.
 */
export function verifyChain(
  records: ReadonlyArray<ChainedRecord>,
  startSeq = 1,
  startPrevHash: string = genesis_hash,
): ChainBreak | null {
  let expectedSeq = startSeq;
  let expectedPrev = startPrevHash;
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index] as ChainedRecord;
    if (record.seq !== expectedSeq) {
      return { seq: expectedSeq, index, problem: 'seq_gap', expected: expectedSeq, actual: record.seq };
    }
    if (record.prev_hash !== expectedPrev) {
      return { seq: record.seq, index, problem: 'prev_hash_mismatch', expected: expectedPrev, actual: record.prev_hash };
    }
    const recomputed = recordHash(record);
    if (recomputed !== record.hash) {
      return { seq: record.seq, index, problem: 'hash_mismatch', expected: recomputed, actual: record.hash };
    }
    expectedSeq += 1;
    expectedPrev = record.hash;
  }
  return null;
}

/** Appends hashes to records in order: fills `prev_hash` and `hash` for each. */
export function chainRecords<T extends Record<string, unknown> & { seq: number }>(
  records: ReadonlyArray<T>,
  startPrevHash: string = genesis_hash,
): Array<T & { prev_hash: string; hash: string }> {
  let prev = startPrevHash;
  return records.map((record) => {
    const linked = { ...record, prev_hash: prev };
    const hash = recordHash(linked);
    prev = hash;
    return { ...linked, hash };
  });
}

/** The bytes an audit checkpoint signs: JCS of `{business_id, seq, hash}`. */
export function checkpointMessage(checkpoint: { business_id: string; seq: number; hash: string }): Uint8Array {
  return utf8ToBytes(canonicalJson({ business_id: checkpoint.business_id, seq: checkpoint.seq, hash: checkpoint.hash }));
}
