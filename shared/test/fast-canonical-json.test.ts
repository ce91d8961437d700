/**
 * The fast canonical JSON of the hot paths (the till's sales, the server's ingest) against the
 * `canonicalize`-based `canonicalJson`: the same bytes, or the same refusal, for any value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fastCanonicalJson } from '../src/index.js';

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

describe('fastCanonicalJson', () => {
  it('produces the shared canonical JSON, or refuses with the same message, for any value', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(outcome(() => fastCanonicalJson(value))).toEqual(outcome(() => canonicalJson(value)));
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
      { ['__proto__']: { a: 1 } },
      JSON.parse('{"__proto__": {"b": 2}, "a": 1}'),
      { 10: 'ten', 2: 'two', b: 'bee' },
      // eslint-disable-next-line no-sparse-arrays -- a hole is exactly what this case is about
      [1, , 3],
      Object.assign(Object.create(null) as object, { z: 1, a: 2 }),
      { toJSON: () => 'replaced' },
      [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['deep']]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
      { a: 'pair \ud83d\ude00 kept' },
    ];
    for (const value of cases) expect(outcome(() => fastCanonicalJson(value))).toEqual(outcome(() => canonicalJson(value)));
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;
    expect(() => fastCanonicalJson(circular)).toThrow('Circular reference detected');
    expect(() => fastCanonicalJson(1n)).toThrow(TypeError);
  });
});

