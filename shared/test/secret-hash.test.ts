import { describe, expect, it } from 'vitest';
import { scrypt } from '@noble/hashes/scrypt.js';
import { createSecretHasher, hashSecret, parseSecretHash, password_hash_cost, pin_hash_cost, scryptMemoryBytes, SeededRandom, verifySecret, type ScryptDerive } from '../src/index.js';

// Real scrypt cost is ~100 ms a hash; tests that only check the format use a cheap cost.
const cheap = { log2N: 4, r: 8, p: 1 };

describe('staff PIN and password hashes', () => {
  it('verifies the right PIN and refuses a wrong one at the real PIN cost', () => {
    const stored = hashSecret('4821', new SeededRandom(7), pin_hash_cost);
    expect(stored.startsWith('scrypt$14$8$1$')).toBe(true);
    expect(verifySecret('4821', stored)).toBe(true);
    expect(verifySecret('4822', stored)).toBe(false);
  });

  it('salts every hash, so the same PIN hashes differently for two staff', () => {
    const random = new SeededRandom(1);
    const a = hashSecret('1234', random, cheap);
    const b = hashSecret('1234', random, cheap);
    expect(a).not.toBe(b);
    expect(verifySecret('1234', a) && verifySecret('1234', b)).toBe(true);
  });

  it('is deterministic for a seeded random source (same salt, same hash)', () => {
    expect(hashSecret('pass word', new SeededRandom(3), cheap)).toBe(hashSecret('pass word', new SeededRandom(3), cheap));
  });

  it('treats canonically equivalent Unicode passwords alike (NFKC)', () => {
    const stored = hashSecret('Ｐａｓｓ', new SeededRandom(2), cheap);
    expect(verifySecret('Pass', stored)).toBe(true);
  });

  it('records the cost in the hash so a stronger cost still verifies', () => {
    expect(password_hash_cost.log2N).toBeGreaterThan(pin_hash_cost.log2N);
    const stored = hashSecret('owner-secret', new SeededRandom(4), { log2N: 5, r: 8, p: 1 });
    expect(stored.split('$')[1]).toBe('5');
    expect(verifySecret('owner-secret', stored)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['another scheme', 'bcrypt$10$abc'],
    ['too few parts', 'scrypt$4$8$1$salt'],
    ['absurd cost', 'scrypt$40$8$1$AAAA$AAAA'],
    ['bad base64', 'scrypt$4$8$1$sa!t$AAAA'],
    ['short hash', 'scrypt$4$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
    ['non-numeric cost', 'scrypt$x$8$1$AAAA$AAAA'],
  ])('refuses a malformed stored hash (%s) without throwing', (_name, stored) => {
    expect(verifySecret('1234', stored)).toBe(false);
  });
});

describe('a hasher with the scrypt step handed in (what the server and the till host use)', () => {
  // The step as a platform hands it in, here noble's scrypt behind a promise.
  const calls: number[] = [];
  const derive: ScryptDerive = async (password, salt, cost, dkLen) => {
    calls.push(cost.log2N);
    return scrypt(password, salt, { N: 2 ** cost.log2N, r: cost.r, p: cost.p, dkLen });
  };

  it('writes exactly what hashSecret writes and verifies what it wrote', async () => {
    const hasher = createSecretHasher(derive, new SeededRandom(11));
    const stored = await hasher.hash('Ｐａｓｓ', cheap);
    expect(stored).toBe(hashSecret('Ｐａｓｓ', new SeededRandom(11), cheap));
    expect(await hasher.verify('Pass', stored)).toBe(true);
    expect(await hasher.verify('Pass!', stored)).toBe(false);
    expect(await hasher.verify('1234', hashSecret('1234', new SeededRandom(12), cheap))).toBe(true);
  });

  it('never runs the step for a malformed stored hash', async () => {
    calls.length = 0;
    const hasher = createSecretHasher(derive, new SeededRandom(13));
    expect(await hasher.verify('1234', 'scrypt$40$8$1$AAAA$AAAA')).toBe(false);
    expect(parseSecretHash('scrypt$4$8$1$sa!t$AAAA')).toBeNull();
    expect(calls).toEqual([]);
  });

  it("gives Node's scrypt enough memory for the real password cost (its 32 MiB default is not)", () => {
    const needed = 128 * password_hash_cost.r * (2 ** password_hash_cost.log2N + 2 + password_hash_cost.p);
    expect(needed).toBeGreaterThan(32 * 1024 * 1024);
    expect(scryptMemoryBytes(password_hash_cost)).toBeGreaterThanOrEqual(needed);
  });
});
