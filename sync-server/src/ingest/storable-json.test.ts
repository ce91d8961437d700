import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { event_depth_max, jsonDepthExceeds, unstorablePath } from './storable-json.js';

describe('storable JSON', () => {
  it('names the path of a NUL character or a lone surrogate, in values and keys', () => {
    expect(unstorablePath({ payload: { lines: [{ name: 'ok' }, { name: 'a\u0000b' }] } })).toBe('payload.lines.1.name');
    expect(unstorablePath({ payload: { ['k\ud800']: 1 } })).toBe('payload.k\ud800');
    expect(unstorablePath({ a: 'fine', b: [1, true, null, 'ok 😀'] })).toBeNull();
  });

  it('answers like a plain recursive walk for any JSON value (the quick check skips no case)', () => {
    const reference = (value: unknown, path: string, depth: number): string | null => {
      const ok = (text: string) => !text.includes('\u0000') && (text as string & { isWellFormed(): boolean }).isWellFormed();
      if (typeof value === 'string') return ok(value) ? null : path;
      if (value === null || typeof value !== 'object') return null;
      if (depth >= event_depth_max) return path;
      for (const [key, inner] of Object.entries(value)) {
        const innerPath = path === '' ? key : `${path}.${key}`;
        if (!ok(key)) return innerPath;
        const found = reference(inner, innerPath, depth + 1);
        if (found !== null) return found;
      }
      return null;
    };
    let deep: unknown = { ok: 1 };
    for (let i = 0; i < event_depth_max; i += 1) deep = { d: deep };
    expect(unstorablePath(deep)).toBe(reference(deep, '', 0));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.string({ unit: 'binary' }), (value, odd) => {
        expect(unstorablePath(value)).toBe(reference(value, '', 0));
        const wrapped = { a: value, [odd]: [odd] };
        expect(unstorablePath(wrapped)).toBe(reference(wrapped, '', 0));
      }),
      { numRuns: 1_000 },
    );
  });

  it('measures nesting depth without walking past the limit', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < event_depth_max + 1; i += 1) deep = [deep];
    expect(jsonDepthExceeds(deep)).toBe(true);
    expect(jsonDepthExceeds({ a: [{ b: 1 }] })).toBe(false);
  });
});

describe('till clock readings', () => {
  it('accepts real instants and refuses days no calendar has', async () => {
    const { isStorableInstant } = await import('./project-events.js');
    expect(isStorableInstant('2026-11-26T09:30:00.000Z')).toBe(true);
    expect(isStorableInstant('2026-11-26T09:30:00Z')).toBe(true);
    expect(isStorableInstant('2026-02-30T09:30:00.000Z')).toBe(false);
    expect(isStorableInstant('0000-01-01T00:00:00.000Z')).toBe(false);
    expect(isStorableInstant('not a time')).toBe(false);
  });
});

describe('storable text', () => {
  it('writes NUL and unpaired surrogates as escapes and keeps everything else, pairs included', async () => {
    const { storableText } = await import('./storable-json.js');
    expect(storableText('na\u0000me.k\ud800.\udc00x.ok 😀')).toBe('na\\u0000me.k\\ud800.\\udc00x.ok 😀');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = storableText(text);
        expect(out.includes('\u0000')).toBe(false);
        expect((out as string & { isWellFormed(): boolean }).isWellFormed()).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
