import fc from 'fast-check';
import { SeededRandom, hashSecret, password_hash_cost, verifySecret } from '@payme/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretHasherBusy, createWorkerSecretHasher } from './secret-hasher.js';

// One pool for the whole file, its salts drawn from whichever seeded source the run sets.
let salts = new SeededRandom(1);
const hasher = createWorkerSecretHasher({ bytes: (length) => salts.bytes(length), int: (min, max) => salts.int(min, max) }, { threads: 1 });
afterAll(() => hasher.close());

// Cheap costs keep 100 runs quick; the format and the steps are the same at any cost.
const cost = fc.record({ log2N: fc.integer({ min: 1, max: 8 }), r: fc.integer({ min: 1, max: 8 }), p: fc.integer({ min: 1, max: 3 }) });
// Any text a person could type, Unicode included (NFKC folds full-width letters and the like).
const secret = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('Ｐａｓｓ', 'ﬁ', 'e\u0301', '4821'));

describe("the server's worker-pool hasher", () => {
  it("hashes byte for byte like shared's hashSecret, and each verifies the other's hashes", async () => {
    await fc.assert(
      fc.asyncProperty(secret, secret, cost, fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (right, wrong, hashCost, seed) => {
        salts = new SeededRandom(seed);
        // Same seed, same salt: the stored strings must be identical.
        const fromWorker = await hasher.hash(right, hashCost);
        expect(fromWorker).toBe(hashSecret(right, new SeededRandom(seed), hashCost));
        const fromShared = hashSecret(right, new SeededRandom(seed + 1), hashCost);
        expect(verifySecret(right, fromWorker)).toBe(true);
        expect(await hasher.verify(right, fromShared)).toBe(true);
        const differs = right.normalize('NFKC') !== wrong.normalize('NFKC');
        expect(await hasher.verify(wrong, fromShared)).toBe(!differs);
        expect(verifySecret(wrong, fromWorker)).toBe(!differs);
      }),
      { numRuns: 100 },
    );
  });

  it('verifies at the real password cost, above the 32 MiB Node allows scrypt by default', async () => {
    const stored = await hasher.hash('owner-password', password_hash_cost);
    expect(stored.startsWith('scrypt$15$8$1$')).toBe(true);
    expect(await hasher.verify('owner-password', stored)).toBe(true);
    expect(await hasher.verify('owner-passwore', stored)).toBe(false);
  });

  it('refuses a malformed stored hash without running it', async () => {
    for (const stored of ['', 'bcrypt$10$abc', 'scrypt$40$8$1$AAAA$AAAA', 'scrypt$4$8$1$sa!t$AAAA']) expect(await hasher.verify('1234', stored)).toBe(false);
    expect(hasher.pending()).toBe(0);
  });

  it('bounds its queue: past threads + queue_max hashes a new one is refused at once with 503, and the rest finish', async () => {
    const small = createWorkerSecretHasher(new SeededRandom(2), { threads: 1, queue_max: 2 });
    try {
      const work = { log2N: 10, r: 8, p: 1 };
      const accepted = [small.hash('a', work), small.hash('b', work), small.hash('c', work)];
      expect(small.pending()).toBe(3);
      const refused = await small.hash('d', work).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SecretHasherBusy);
      expect(refused).toMatchObject({ statusCode: 503, code: 'hasher_busy', details: { retry_after_seconds: 2 } });
      const hashes = await Promise.all(accepted);
      expect(hashes.every((stored, i) => verifySecret('abc'[i] as string, stored))).toBe(true);
      expect(small.pending()).toBe(0);
      // Once the queue drained, hashes are taken again.
      expect(verifySecret('e', await small.hash('e', work))).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('admits whole checks at the pace of the threads: threads + 1 at once, the rest in turn, past queue_max refused at once', async () => {
    const gate = createWorkerSecretHasher(new SeededRandom(3), { threads: 1, queue_max: 3 });
    try {
      const releases: Array<() => void> = [];
      const started: number[] = [];
      const check = (i: number) =>
        gate.admit(async () => {
          started.push(i);
          await new Promise<void>((resolve) => releases.push(resolve));
          return i;
        });
      const checks = [0, 1, 2, 3, 4].map(check);
      await new Promise((resolve) => setImmediate(resolve));
      expect(started).toEqual([0, 1]);
      expect(gate.admitted()).toEqual({ running: 2, waiting: 3 });
      await expect(check(5)).rejects.toMatchObject({ statusCode: 503, code: 'hasher_busy' });
      // Each finished check hands its turn to the next in line, in order.
      for (let done = 0; done < 5; done += 1) {
        releases[done]!();
        await checks[done];
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(started).toEqual([0, 1, 2, 3, 4]);
      expect(await Promise.all(checks)).toEqual([0, 1, 2, 3, 4]);
      expect(gate.admitted()).toEqual({ running: 0, waiting: 0 });
    } finally {
      await gate.close();
    }
  });
});
