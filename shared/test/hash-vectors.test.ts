/**
 * The committed hash test vectors (DESIGN §5) in Node: every envelope's canonical string and
 * hash byte for byte, and the chain they form. The browser side is e2e/tests/hash-vectors.browser.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, genesis_hash, parseEvent, recordHash, verifyChain, type ChainedRecord } from '../src/index.js';

interface HashVector {
  description: string;
  /** Set on a vector that pins canonical escaping of text the event schemas refuse. */
  schema_refuses?: { field: string; why: string };
  canonical: string;
  envelope: ChainedRecord;
}

const vectors = JSON.parse(readFileSync(new URL('../test-vectors/event-hashes.json', import.meta.url), 'utf8')) as HashVector[];

describe('event hash test vectors', () => {
  it('cover what the design asks for', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(8);
    const types = new Set(vectors.map((vector) => vector.envelope.type));
    for (const type of ['sale_completed', 'stock_adjusted', 'customer_created']) expect(types.has(type), type).toBe(true);
    expect(vectors.some((vector) => 'approver_id' in vector.envelope)).toBe(true);
    expect(vectors.some((vector) => !('approver_id' in vector.envelope))).toBe(true);
    expect(vectors.some((vector) => [...vector.canonical].some((char) => (char.codePointAt(0) ?? 0) > 0x7f))).toBe(true);
    expect(vectors.some((vector) => /\p{Extended_Pictographic}/u.test(vector.canonical))).toBe(true);
  });

  it('the first canonical string is the one written out by hand', () => {
    const byHand =
      '{"actor_id":"0193a5b0-1111-7b22-8c33-0a1b2c3d4e5f","event_id":"0193a5b2-7c10-7001-8a00-000000000001",' +
      '"occurred_at":"2026-11-26T05:30:00.000Z","payload":{"float":500000,' +
      '"shift_id":"0193a5b2-7c10-70a1-8a00-0000000000a1"},"prev_hash":"' +
      '0'.repeat(64) +
      '","seq":1,"till_id":"0193a5b2-7c10-7a3e-9d41-5f2c8e6b1a07","type":"shift_opened","v":1}';
    expect(vectors[0]?.canonical).toBe(byHand);
    expect(createHash('sha256').update(byHand, 'utf8').digest('hex')).toBe('7835ec7c2be3d4cb13c9cd079554eac145c03e143771d50a1996719ce391fcf9');
    expect(vectors[0]?.envelope.hash).toBe('7835ec7c2be3d4cb13c9cd079554eac145c03e143771d50a1996719ce391fcf9');
  });

  it.each(vectors.map((vector) => [vector.envelope.seq, vector.description, vector] as const))(
    'vector %i (%s): canonical string and hash match byte for byte',
    (_seq, _description, vector) => {
      const { hash, ...withoutHash } = vector.envelope;
      const canonical = canonicalJson(withoutHash);
      expect(canonical).toBe(vector.canonical);
      expect(Buffer.from(canonical, 'utf8').equals(Buffer.from(vector.canonical, 'utf8'))).toBe(true);
      expect(recordHash(vector.envelope)).toBe(hash);
      // Independent of our SHA-256: node:crypto over the committed canonical bytes.
      expect(createHash('sha256').update(vector.canonical, 'utf8').digest('hex')).toBe(hash);
    },
  );

  it('are valid PayMe events (envelope and payload schemas), so both sides can also parse them', () => {
    for (const vector of vectors.filter((v) => !v.schema_refuses)) expect(() => parseEvent(vector.envelope), vector.description).not.toThrow();
  });

  it('a vector marked as refused by the schemas is refused, naming the field it says', () => {
    const refused = vectors.filter((v) => v.schema_refuses);
    expect(refused.length).toBeGreaterThan(0);
    for (const vector of refused) {
      expect(() => parseEvent(vector.envelope), vector.description).toThrow(expect.objectContaining({ field: vector.schema_refuses?.field }));
    }
  });

  it('form a valid chain from 64 zeros', () => {
    const chain = vectors.map((vector) => vector.envelope);
    expect(chain[0]?.prev_hash).toBe(genesis_hash);
    chain.forEach((envelope, i) => expect(envelope.seq).toBe(i + 1));
    expect(verifyChain(chain)).toBeNull();
  });

  it('tampering with any vector breaks the chain at that seq', () => {
    const chain = vectors.map((vector) => vector.envelope);
    chain.forEach((envelope, i) => {
      const tampered = chain.map((record, j) => (j === i ? { ...record, occurred_at: '2026-11-26T23:59:59.999Z' } : record));
      expect(verifyChain(tampered)?.seq).toBe(envelope.seq);
    });
  });
});
