import { rmSync } from 'node:fs';
import path from 'node:path';
import { ManualClock, SeededRandom, createSecretHasher, hashSecret, pin_hash_cost, verifySecret } from '@payme/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ids, tempDir } from '../../test/ledger-fixture.js';
import { createNativeSecretHasher, createPinChecks, nativeScryptDerive, type PinChecks } from './pin-checks.js';
import { createTillHost, type TillHost } from './till-host.js';
import { openLedger } from '../ledger/ledger.js';

// Hashed once at the server's real PIN cost (scrypt N = 2^14): what a till really verifies.
const cashier_pin = '8642';
const manager_pin = '2468';
const real = {
  cashier: hashSecret(cashier_pin, new SeededRandom(9), pin_hash_cost),
  manager: hashSecret(manager_pin, new SeededRandom(10), pin_hash_cost),
};

function seedStaff(host: TillHost): void {
  host.ledger.applyServerBatch({
    changes: [
      { cursor: '1', kind: 'staff', id: ids.cashier, data: { name: 'Achieng', role: 'cashier', pin_hash: real.cashier } },
      { cursor: '2', kind: 'staff', id: ids.manager, data: { name: 'Mwangi', role: 'manager', pin_hash: real.manager } },
    ],
    acked_seq: 0,
    cursor: '2',
  });
}

let dir: string;
let host: TillHost;

/** The host as openTillHost wires it (ledger and host share the checks), with the checks in reach. */
function hostWithPinChecks(): PinChecks {
  const pinChecks = createPinChecks();
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
  const ledger = openLedger({ path: path.join(dir, 'till.db'), clock, random: new SeededRandom(1), verifyPin: pinChecks.verifyPin });
  host = createTillHost({ ledger, dataDir: dir, clock, fetch: () => Promise.reject(new Error('offline')), pinChecks });
  seedStaff(host);
  return pinChecks;
}
beforeEach(() => {
  dir = tempDir('payme-pin-checks-');
});
afterEach(() => {
  host?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PIN checks on the till host', () => {
  it("checks a real-cost PIN off the host's main thread: a status call made after it answers first", async () => {
    const pinChecks = hostWithPinChecks();
    const answered: string[] = [];
    const login = host.call('login', { staff_id: ids.cashier, pin: cashier_pin }).then((result) => {
      answered.push('login');
      return result;
    });
    // Hashed on the main thread, the login would block here for the whole hash and answer first.
    const status = host.call('syncStatus', {}).then(() => answered.push('syncStatus'));
    await Promise.all([login, status]);
    expect(answered).toEqual(['syncStatus', 'login']);
    expect(await login).toMatchObject({ ok: true, value: { staff: { staff_id: ids.cashier } } });
    expect(pinChecks.inPlace()).toBe(0);
  });

  it('keeps the lockout and the manager approval working through the host, with no hash on the main thread', async () => {
    const pinChecks = hostWithPinChecks();
    const codes: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const wrong = await host.call('login', { staff_id: ids.cashier, pin: '0000' });
      codes.push(wrong.ok ? 'ok' : wrong.error.code);
    }
    expect(codes).toEqual(['pin_invalid', 'pin_invalid', 'pin_invalid', 'pin_invalid', 'pin_locked']);
    const unlocked = await host.call('unlockStaff', { command_id: '01930000-0000-7000-8000-00000000aa01', staff_id: ids.cashier, approval: { manager_id: ids.manager, pin: manager_pin } });
    expect(unlocked).toEqual({ ok: true, value: { staff_id: ids.cashier, unlocked: true } });
    expect(await host.call('login', { staff_id: ids.cashier, pin: cashier_pin })).toMatchObject({ ok: true });
    expect(pinChecks.inPlace()).toBe(0);
  });

  it("answers a check it did not prepare by hashing in place, and counts it", () => {
    const checks: PinChecks = createPinChecks();
    expect(checks.verifyPin(cashier_pin, real.cashier)).toBe(true);
    expect(checks.verifyPin('0000', real.cashier)).toBe(false);
    expect(checks.inPlace()).toBe(2);
  });
});

describe("the till's native scrypt", () => {
  it("writes and reads exactly shared's format, at the real PIN and password costs", async () => {
    const cost = { log2N: 15, r: 8, p: 1 };
    const native = await createSecretHasher(nativeScryptDerive, new SeededRandom(5)).hash('Ｐａｓｓ wörd', cost);
    expect(native).toBe(hashSecret('Ｐａｓｓ wörd', new SeededRandom(5), cost));
    expect(verifySecret('Pass wörd', native)).toBe(true);
    const hasher = createNativeSecretHasher();
    expect(await hasher.verify(cashier_pin, real.cashier)).toBe(true);
    expect(await hasher.verify('0000', real.cashier)).toBe(false);
    expect(await hasher.verify(cashier_pin, 'scrypt$40$8$1$AAAA$AAAA')).toBe(false);
  });
});
