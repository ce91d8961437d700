import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, recordHash } from '@payme/shared';
import { nativeCanonicalJson, nativeRecordHash } from './native-record-hash.js';

/** The shared function's answer or its refusal message, to compare both outcomes. */
function outcome(run: () => string): { text: string } | { error: string } {
  try {
    return { text: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const anyValue = fc.oneof(
  fc.jsonValue(),
  fc.anything({ withNullPrototype: true, withSparseArray: true, withBoxedValues: true }),
  fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.constant(undefined))),
);

describe('nativeCanonicalJson', () => {
  it('produces the shared canonical JSON, or refuses with the same message, for any value', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(outcome(() => nativeCanonicalJson(value))).toEqual(outcome(() => canonicalJson(value)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees on the edge cases RFC 8785 and the shared canonicaliser care about', () => {
    const cases: unknown[] = [
      { b: 1, a: [1, undefined, () => 1, Symbol('s')], c: undefined, d: -0, e: 1e21, f: 0.1 },
      { '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, a: '\u0000"\\' },
      { date: new Date(0), nested: { toJSON: () => ({ z: 1, y: 2 }) } },
      'lone \ud800',
      'lone \udc00 low',
      { ['k\ud800']: 1 },
      [Number.NaN],
      [Number.POSITIVE_INFINITY],
      undefined,
      Symbol('top'),
      { fn: () => 1 },
    ];
    for (const value of cases) expect(outcome(() => nativeCanonicalJson(value))).toEqual(outcome(() => canonicalJson(value)));
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;
    expect(() => nativeCanonicalJson(circular)).toThrow('Circular reference detected');
    expect(() => nativeCanonicalJson(1n)).toThrow(TypeError);
  });
});

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
