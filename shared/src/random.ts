/**
 * Injected randomness (DESIGN §2): ids, tokens and retry jitter come from a `Random` handed in
 * by the caller. `cryptoRandom` uses the platform CSPRNG (Web Crypto, present in Node 20 and
 * every browser); `SeededRandom` replays exactly from a seed for tests and the simulation.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface Random {
  /** `length` uniformly random bytes. */
  bytes(length: number): Uint8Array;
  /** A uniformly random integer in [min, max], both included. */
  int(min: number, max: number): number;
}

interface WebCrypto {
  getRandomValues<T extends Uint8Array>(array: T): T;
}

function platformCrypto(): WebCrypto {
  const candidate = (globalThis as { crypto?: WebCrypto }).crypto;
  if (!candidate || typeof candidate.getRandomValues !== 'function') {
    throw new Error('This platform has no Web Crypto getRandomValues');
  }
  return candidate;
}

/** Largest request Web Crypto serves in one call. */
const crypto_request_bytes_max = 65_536;

export const cryptoRandom: Random = {
  bytes(length) {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += crypto_request_bytes_max) {
      platformCrypto().getRandomValues(out.subarray(offset, Math.min(length, offset + crypto_request_bytes_max)));
    }
    return out;
  },
  int(min, max) {
    assertRange(min, max);
    const span = max - min + 1;
    // Rejection sampling over 48 bits keeps the draw unbiased for any safe span we use.
    const limit = Math.floor(2 ** 48 / span) * span;
    for (;;) {
      const b = this.bytes(6);
      let value = 0;
      for (const byte of b) value = value * 256 + byte;
      if (value < limit) return min + (value % span);
    }
  },
};

function assertRange(min: number, max: number): void {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min || max - min >= 2 ** 48) {
    throw new RangeError('int(min, max) needs safe integers with min <= max and a span below 2^48');
  }
}

/** A deterministic source: the same seed gives the same bytes and integers, in Node and browsers. */
export class SeededRandom implements Random {
  private readonly generator;

  constructor(readonly seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 1) out[i] = uniformInt(this.generator, 0, 255);
    return out;
  }

  int(min: number, max: number): number {
    assertRange(min, max);
    return uniformInt(this.generator, min, max);
  }

  /** An independent stream derived from this one (for a sub-system of the simulation). */
  fork(): SeededRandom {
    return new SeededRandom(this.int(0, 0x7fffffff));
  }
}
