import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, event_types, recordHash } from '@payme/shared';
import { canonicalEnvelope, fastCanonicalJson, sha256HexNative } from './event-hash.js';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const timestamp = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
const envelope = fc.record(
  {
    event_id: fc.uuid(),
    till_id: fc.uuid(),
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    type: fc.constantFrom(...event_types),
    v: fc.integer({ min: 1, max: 1_000 }),
    occurred_at: timestamp,
    actor_id: fc.uuid(),
    approver_id: fc.uuid(),
    prev_hash: hex64,
  },
  { requiredKeys: ['event_id', 'till_id', 'seq', 'type', 'v', 'occurred_at', 'actor_id', 'prev_hash'] },
);

describe('canonicalEnvelope', () => {
  it('is the canonical JSON of the envelope, with and without its hash, and hashes as recordHash does', () => {
    fc.assert(
      fc.property(envelope, fc.dictionary(fc.string(), fc.jsonValue()), hex64, (unhashed, payload, hash) => {
        const payload_json = fastCanonicalJson(payload);
        expect(payload_json).toBe(canonicalJson(payload));
        const text = canonicalEnvelope(unhashed, payload_json);
        expect(text).toBe(canonicalJson({ ...unhashed, payload }));
        expect(sha256HexNative(text)).toBe(recordHash({ ...unhashed, payload }));
        expect(canonicalEnvelope(unhashed, payload_json, hash)).toBe(canonicalJson({ ...unhashed, payload, hash }));
      }),
      { numRuns: 500 },
    );
  });
});
