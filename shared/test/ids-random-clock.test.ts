/**
 * Injected time and randomness (DESIGN §2) and the UUIDv7 ids minted through them.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  ManualClock,
  SeededRandom,
  cryptoRandom,
  isoAt,
  randomToken,
  systemClock,
  uuid_pattern,
  uuidv7,
  uuidv7Time,
  uuidv7_pattern,
  type Random,
} from '../src/index.js';

/** RFC 9562 layout, checked from the hex digits rather than with the module's own regex. */
function uuidFields(id: string): { version: number; variantBits: number; ms: number } {
  const digits = id.replaceAll('-', '');
  expect(digits).toMatch(/^[0-9a-f]{32}$/);
  expect([id[8], id[13], id[18], id[23]]).toEqual(['-', '-', '-', '-']);
  return {
    ms: Number.parseInt(digits.slice(0, 12), 16),
    version: Number.parseInt(digits[12] ?? '', 16),
    variantBits: Number.parseInt(digits[16] ?? '', 16) >> 2,
  };
}

describe('ManualClock and isoAt', () => {
  it('starts where told, advances and can be set (even backwards)', () => {
    const clock = new ManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
    clock.advance(0);
    expect(clock.now()).toBe(1_250);
    clock.set(10);
    expect(clock.now()).toBe(10);
  });

  it('defaults to 2026-01-01 06:00 UTC', () => {
    expect(isoAt(new ManualClock().now())).toBe('2026-01-01T06:00:00.000Z');
  });

  it('refuses a negative or non-finite advance', () => {
    const clock = new ManualClock(0);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.now()).toBe(0);
  });

  it('systemClock reads the platform clock', () => {
    const before = Date.now();
    const reading = systemClock.now();
    expect(reading).toBeGreaterThanOrEqual(before);
    expect(reading).toBeLessThanOrEqual(Date.now());
  });

  it('isoAt prints UTC with milliseconds', () => {
    expect(isoAt(Date.UTC(2026, 10, 26, 9, 5, 7, 42))).toBe('2026-11-26T09:05:07.042Z');
  });
});

describe('uuidv7', () => {
  it('has the RFC 9562 layout: version 7, variant 10', () => {
    const clock = new ManualClock();
    for (let i = 0; i < 200; i += 1) {
      const id = uuidv7(clock, cryptoRandom);
      const fields = uuidFields(id);
      expect(fields.version).toBe(7);
      expect(fields.variantBits).toBe(0b10);
      expect(id).toMatch(uuidv7_pattern);
      expect(id).toMatch(uuid_pattern);
      clock.advance(1);
    }
  });

  it('carries the clock reading, which uuidv7Time reads back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.integer({ min: 0, max: 0x7fffffff }), (ms, seed) => {
        const id = uuidv7(new ManualClock(ms), new SeededRandom(seed));
        expect(uuidFields(id).ms).toBe(ms);
        expect(uuidv7Time(id)).toBe(ms);
      }),
      { numRuns: 500 },
    );
  });

  it('sorts by time across clock ticks', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const random = new SeededRandom(7);
    const ids: string[] = [];
    for (let i = 0; i < 300; i += 1) {
      ids.push(uuidv7(clock, random));
      clock.advance(1 + random.int(0, 5_000));
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is deterministic under SeededRandom and differs between seeds', () => {
    const mint = (seed: number): string[] => {
      const clock = new ManualClock(1_700_000_000_000);
      const random = new SeededRandom(seed);
      return Array.from({ length: 20 }, () => uuidv7(clock, random));
    };
    expect(mint(42)).toEqual(mint(42));
    expect(mint(42)).not.toEqual(mint(43));
    // Same millisecond: the random bits still make the ids distinct.
    expect(new Set(mint(42)).size).toBe(20);
  });

  it('refuses clock readings a UUIDv7 cannot carry, and non-v7 ids', () => {
    const random = new SeededRandom(1);
    expect(() => uuidv7(new ManualClock(-1), random)).toThrow(RangeError);
    expect(() => uuidv7(new ManualClock(2 ** 48), random)).toThrow(RangeError);
    expect(() => uuidv7(new ManualClock(1.5), random)).toThrow(RangeError);
    expect(() => uuidv7Time('0190a7e2-3b4c-4d5e-8f60-718293a4b5c6')).toThrow(RangeError);
    expect(() => uuidv7Time('not-a-uuid')).toThrow(RangeError);
  });
});

describe('randomToken', () => {
  it('is base64url of the requested length', () => {
    const token = randomToken(cryptoRandom);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(randomToken(cryptoRandom, 6)).toHaveLength(6);
    expect(randomToken(cryptoRandom, 0)).toBe('');
  });

  it('uses all 64 symbols and nothing else', () => {
    const seen = new Set(randomToken(new SeededRandom(3), 4_096));
    expect(seen.size).toBe(64);
    for (const symbol of seen) expect(symbol).toMatch(/^[A-Za-z0-9_-]$/);
  });

  it('maps bytes to symbols by their low six bits', () => {
    const fixed: Random = { bytes: (n) => Uint8Array.from({ length: n }, (_, i) => [0, 25, 26, 51, 52, 61, 62, 63, 64, 255][i] ?? 0), int: () => 0 };
    expect(randomToken(fixed, 10)).toBe('AZaz09-_A_');
  });

  it('is deterministic under a seed', () => {
    expect(randomToken(new SeededRandom(9))).toBe(randomToken(new SeededRandom(9)));
    expect(randomToken(new SeededRandom(9))).not.toBe(randomToken(new SeededRandom(10)));
  });
});

describe('cryptoRandom', () => {
  it('returns the requested number of bytes, beyond one Web Crypto request too', () => {
    expect(cryptoRandom.bytes(0)).toHaveLength(0);
    expect(cryptoRandom.bytes(16)).toHaveLength(16);
    const big = cryptoRandom.bytes(65_536 * 2 + 10);
    expect(big).toHaveLength(131_082);
    // Every chunk was filled: the last 10 bytes and the second chunk are not all zero.
    expect(big.subarray(65_536, 65_536 + 64).some((b) => b !== 0)).toBe(true);
    expect(big.subarray(131_072).some((b) => b !== 0)).toBe(true);
  });

  it('int stays in range and covers it', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i += 1) {
      const value = cryptoRandom.int(-3, 6);
      expect(Number.isInteger(value) && value >= -3 && value <= 6).toBe(true);
      seen.add(value);
    }
    expect(seen.size).toBe(10);
    expect(cryptoRandom.int(5, 5)).toBe(5);
    const wide = cryptoRandom.int(0, 2 ** 48 - 1);
    expect(Number.isSafeInteger(wide) && wide >= 0).toBe(true);
  });

  it('says so when the platform has no Web Crypto', () => {
    vi.stubGlobal('crypto', undefined);
    try {
      expect(() => cryptoRandom.bytes(4)).toThrow(/Web Crypto/);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(cryptoRandom.bytes(4)).toHaveLength(4);
  });

  it('int redraws rather than bias toward the low values (rejection sampling)', () => {
    // 2^48 mod 3 = 1, so a 48-bit draw of all ones is above the last whole multiple of 3 and
    // must be redrawn; the next draw (value 4) gives 4 mod 3 = 1.
    const draws = [new Uint8Array(6).fill(0xff), Uint8Array.from([0, 0, 0, 0, 0, 4])];
    let calls = 0;
    vi.stubGlobal('crypto', {
      getRandomValues: (array: Uint8Array) => {
        array.set(draws[calls] ?? new Uint8Array(array.length));
        calls += 1;
        return array;
      },
    });
    try {
      expect(cryptoRandom.int(10, 12)).toBe(11);
      expect(calls).toBe(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('int refuses bad ranges', () => {
    expect(() => cryptoRandom.int(2, 1)).toThrow(RangeError);
    expect(() => cryptoRandom.int(0.5, 3)).toThrow(RangeError);
    expect(() => cryptoRandom.int(0, 2 ** 48)).toThrow(RangeError);
    expect(() => cryptoRandom.int(0, Number.NaN)).toThrow(RangeError);
  });
});

describe('SeededRandom', () => {
  it('replays exactly from a seed', () => {
    const a = new SeededRandom(123);
    const b = new SeededRandom(123);
    expect(Array.from(a.bytes(32))).toEqual(Array.from(b.bytes(32)));
    expect(Array.from({ length: 20 }, () => a.int(0, 1_000_000))).toEqual(Array.from({ length: 20 }, () => b.int(0, 1_000_000)));
    expect(a.seed).toBe(123);
  });

  it('int stays in range, covers it and refuses bad ranges', () => {
    const random = new SeededRandom(5);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i += 1) {
      const value = random.int(1, 6);
      expect(value >= 1 && value <= 6 && Number.isInteger(value)).toBe(true);
      seen.add(value);
    }
    expect(seen.size).toBe(6);
    expect(() => random.int(3, 2)).toThrow(RangeError);
  });

  it('bytes cover 0..255', () => {
    const seen = new Set(new SeededRandom(11).bytes(8_192));
    expect(seen.size).toBe(256);
  });

  it('fork gives an independent but reproducible stream', () => {
    const first = new SeededRandom(77).fork();
    const again = new SeededRandom(77).fork();
    expect(first.seed).toBe(again.seed);
    expect(Array.from(first.bytes(8))).toEqual(Array.from(again.bytes(8)));
    expect(Array.from(new SeededRandom(77).fork().bytes(8))).not.toEqual(Array.from(new SeededRandom(77).bytes(8)));
  });
});
