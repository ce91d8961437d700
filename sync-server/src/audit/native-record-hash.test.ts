import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordHash } from '@payme/shared';
import { nativeRecordHash } from './native-record-hash.js';

/** The shared function's answer or its refusal message, to compare both outcomes. */
function outcome(run: () => string): { text: string } | { error: string } {
  try {
    return { text: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('nativeRecordHash', () => {
  it('equals the shared recordHash and ignores the hash field', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()), fc.string({ minLength: 64, maxLength: 64 }), (record, hash) => {
        expect(outcome(() => nativeRecordHash(record))).toEqual(outcome(() => recordHash(record)));
        expect(outcome(() => nativeRecordHash({ ...record, hash }))).toEqual(outcome(() => recordHash(record)));
      }),
      { numRuns: 500 },
    );
  });
});
