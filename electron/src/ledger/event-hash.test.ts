import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordHash } from '@payme/shared';
import { fastRecordHash } from './event-hash.js';

describe('fastRecordHash', () => {
  it('equals the shared recordHash and ignores the hash field', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string({ minLength: 64, maxLength: 64 }), (record, hash) => {
        expect(fastRecordHash(record)).toBe(recordHash(record));
        expect(fastRecordHash({ ...record, hash })).toBe(recordHash(record));
      }),
      { numRuns: 500 },
    );
  });
});
