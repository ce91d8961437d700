/**
 * Processing lets acknowledgements go first (mpesa-service.ts): a processing step waits while a
 * callback is being stored, and for a short quiet window after the last one, but never longer than
 * `ack_priority_wait_ms_max`. The bounds checked here are lower bounds of real time, which a busy
 * machine can only lengthen, and the cap is checked by a wait that does end.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '@payme/shared';
import type { Db } from '../db/db.js';
import { generateMasterKey, keyringOf } from './credentials.js';
import { MpesaService, ack_priority_wait_ms_max, ack_quiet_ms } from './mpesa-service.js';

function service(): MpesaService {
  const random = new SeededRandom(7);
  // The waits under test never touch the database.
  const db = {} as Db;
  return new MpesaService({ db, clock: new ManualClock(0), random, keyring: keyringOf(generateMasterKey(random)) });
}

describe('acknowledgements before processing', () => {
  it('a processing step waits out the quiet window after the last acknowledgement', async () => {
    const mpesa = service();
    await mpesa.acknowledging(async () => 'stored');
    const started = performance.now();
    await mpesa.yieldToAcknowledgements();
    // performance.now() is rounded to whole microseconds here at worst; leave that much slack.
    expect(performance.now() - started).toBeGreaterThanOrEqual(ack_quiet_ms - 0.1);
  });

  it('waits for a callback being stored, then goes on once it is answered', async () => {
    const mpesa = service();
    let answer!: () => void;
    const storing = mpesa.acknowledging(() => new Promise<void>((resolve) => (answer = resolve)));
    let yielded = false;
    const waiting = mpesa.yieldToAcknowledgements().then(() => (yielded = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(yielded).toBe(false);
    answer();
    await storing;
    await waiting;
    expect(yielded).toBe(true);
  });

  it('never waits much longer than the cap, however busy the callbacks keep it', async () => {
    const mpesa = service();
    // A store that never finishes: without the cap, processing would wait forever.
    void mpesa.acknowledging(() => new Promise<never>(() => undefined));
    const started = performance.now();
    await mpesa.yieldToAcknowledgements();
    expect(performance.now() - started).toBeGreaterThanOrEqual(ack_priority_wait_ms_max - 0.1);
  });

  it('with nothing acknowledged, a processing step only waits a turn of the event loop', async () => {
    const mpesa = service();
    const started = performance.now();
    await mpesa.yieldToAcknowledgements();
    // One setImmediate; a wait of the full cap would mean it took the callbacks to be busy.
    expect(performance.now() - started).toBeLessThan(ack_priority_wait_ms_max);
  });
});
