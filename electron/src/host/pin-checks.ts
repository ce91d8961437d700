/**
 * PIN checks off the till host's main thread (issue 12). A PIN is checked against a slow scrypt
 * hash (~100 ms on a shop PC); run on the host's main thread, that hash would freeze every other
 * call (the status line, a scan, the sync agent) while it runs. The ledger is synchronous by
 * design (DESIGN §4: every command one synchronous transaction), so the check cannot be awaited
 * inside it. Instead the host runs the hash first, with Node's native scrypt on libuv's thread
 * pool, and the ledger's synchronous `verifyPin` then reads the answer:
 *
 *   const release = await checks.prepare(ledger, method, input);   // hashes off the main thread
 *   try { ledger.login(input) } finally { release() }               // checkPin → checks.verifyPin
 *
 * A check the host did not prepare (a stored hash that changed in between, a caller that went
 * around the host) is still answered correctly, by hashing in place, and counted in
 * `inPlace()`. libuv's pool is right for a till: it verifies one cashier's PIN at a time, and
 * nothing else on the till host queues work there (better-sqlite3 is synchronous); the server,
 * which hashes for anyone on the internet, uses a worker pool of its own instead.
 */
import { scrypt } from 'node:crypto';
import { createSecretHasher, cryptoRandom, scryptMemoryBytes, verifySecret, type ScryptDerive, type SecretHasher } from '@payme/shared';
import type { PinVerifier } from '../ledger/context.js';

/** shared's scrypt step with Node's native scrypt, on libuv's pool (never the calling thread). */
export const nativeScryptDerive: ScryptDerive = (password, salt, cost, dkLen) =>
  new Promise((resolve, reject) => {
    // Node's default maxmem (32 MiB) is below what the password cost (N = 2^15, r = 8) needs.
    const options = { N: 2 ** cost.log2N, r: cost.r, p: cost.p, maxmem: scryptMemoryBytes(cost) };
    scrypt(password, salt, dkLen, options, (error, key) => (error === null ? resolve(key) : reject(error)));
  });

/** Verification only: the till never hashes a PIN, it checks the hashes the server synced. */
export function createNativeSecretHasher(): SecretHasher {
  return createSecretHasher(nativeScryptDerive, cryptoRandom);
}

/** Where a till API input carries a PIN: the login's, and a manager's approval on any command. */
function pinsIn(method: string, input: unknown): Array<{ staff_id: string; pin: string }> {
  if (typeof input !== 'object' || input === null) return [];
  const { staff_id, pin, approval } = input as { staff_id?: unknown; pin?: unknown; approval?: unknown };
  const found: Array<{ staff_id: string; pin: string }> = [];
  if (method === 'login' && typeof staff_id === 'string' && typeof pin === 'string') found.push({ staff_id, pin });
  if (typeof approval === 'object' && approval !== null) {
    const { manager_id, pin: approvalPin } = approval as { manager_id?: unknown; pin?: unknown };
    if (typeof manager_id === 'string' && typeof approvalPin === 'string') found.push({ staff_id: manager_id, pin: approvalPin });
  }
  return found;
}

export interface PinChecks {
  /** Runs the checks `input` will need off the main thread; `release()` forgets their answers. */
  prepare(ledger: { pinHashOf(staff_id: string): string | null }, method: string, input: unknown): Promise<() => void>;
  /** The ledger's synchronous check (context.ts `verifyPin`): a prepared answer, else a hash in place. */
  verifyPin: PinVerifier;
  /** Checks that had no prepared answer and hashed on the calling thread. */
  inPlace(): number;
}

export function createPinChecks(hasher: SecretHasher = createNativeSecretHasher()): PinChecks {
  // Keyed by hash and PIN together: the answer is a pure function of the two. Counted, so two
  // calls checking the same PIN at once do not drop each other's answer.
  const answers = new Map<string, { matches: boolean; users: number }>();
  const keyOf = (pin: string, pin_hash: string) => `${pin_hash}\u0000${pin}`;
  let inPlace = 0;
  return {
    async prepare(ledger, method, input) {
      const keys: string[] = [];
      for (const { staff_id, pin } of pinsIn(method, input)) {
        const pin_hash = ledger.pinHashOf(staff_id);
        if (pin_hash === null || pin_hash === '') continue;
        const key = keyOf(pin, pin_hash);
        const known = answers.get(key);
        if (known !== undefined) known.users += 1;
        else {
          const matches = await hasher.verify(pin, pin_hash);
          const raced = answers.get(key);
          if (raced !== undefined) raced.users += 1;
          else answers.set(key, { matches, users: 1 });
        }
        keys.push(key);
      }
      return () => {
        for (const key of keys) {
          const answer = answers.get(key);
          if (answer === undefined) continue;
          answer.users -= 1;
          if (answer.users === 0) answers.delete(key);
        }
      };
    },
    verifyPin(pin, pin_hash) {
      const answer = answers.get(keyOf(pin, pin_hash));
      if (answer !== undefined) return answer.matches;
      inPlace += 1;
      return verifySecret(pin, pin_hash);
    },
    inPlace: () => inPlace,
  };
}
