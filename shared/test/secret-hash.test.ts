import { describe, expect, it } from 'vitest';
import { hashSecret, password_hash_cost, pin_hash_cost, SeededRandom, verifySecret } from '../src/index.js';

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
