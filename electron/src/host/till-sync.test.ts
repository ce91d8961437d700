import path from 'node:path';
import { ManualClock, SeededRandom } from '@payme/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../ledger/ledger.js';
import { catalogChanges, ids, pins, tempDir } from '../../test/ledger-fixture.js';
import { readTillDevice } from './device-file.js';
import { createTillHost, type TillHost } from './till-host.js';
import { startTillSync, type TillSync } from './till-sync.js';

const enrollment = {
  till_id: '01930000-0000-7000-8000-000000000e02',
  device_token: 'dt_'.padEnd(40, 'y'),
  epoch: 1,
  server_public_key: 'ef'.repeat(32),
  business_id: ids.business,
  store_id: ids.store,
  receipt_prefix: 'T3',
  name: 'Back counter',
  business: { name: 'Duka la Mfano' },
};

let ledger: Ledger;
let host: TillHost;
let sync: TillSync;
afterEach(async () => {
  await sync.stop();
  ledger.close();
});

describe('sync agent wiring', () => {
  it('starts the agent once the till enrolls, answers syncStatus from it, and wakes it after a write', async () => {
    const dir = tempDir('payme-till-sync-');
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
    ledger = openLedger({ path: path.join(dir, 'till.db'), clock, random: new SeededRandom(3) });
    // The enrollment answers; every sync request after it finds no server (port 9 is closed).
    host = createTillHost({ ledger, dataDir: dir, clock, fetch: async () => ({ ok: true, status: 200, json: async () => enrollment }) });
    sync = startTillSync(host);
    expect(sync.agent()).toBeNull();
    expect(await host.call('syncStatus', {})).toMatchObject({ ok: true, value: { alarm: { code: 'sync_not_running' } } });

    expect(await host.call('enroll', { server_url: 'http://127.0.0.1:9', code: 'ABCDEFGH', name: 'Back counter' })).toMatchObject({ ok: true });
    const agent = sync.agent();
    expect(agent).not.toBeNull();
    expect(readTillDevice(dir)?.server_url).toBe('http://127.0.0.1:9');

    ledger.applyServerBatch({ changes: catalogChanges(), acked_seq: 0, cursor: '20' });
    await host.call('login', { staff_id: ids.cashier, pin: pins.cashier });
    let woken = 0;
    const notify = agent!.notifyLocalWrite.bind(agent);
    agent!.notifyLocalWrite = () => {
      woken += 1;
      notify();
    };
    const shift = await host.call('openShift', { command_id: '01930000-0000-7000-8000-00000000aa01', shift_id: '01930000-0000-7000-8000-00000000aa02', float: 100_000 });
    expect(shift.ok).toBe(true);
    expect(woken).toBe(1);
    await host.call('currentShift', {});
    expect(woken).toBe(1); // a query writes nothing

    const status = await host.call('syncStatus', {});
    expect(status).toMatchObject({ ok: true, value: { online: false, unsynced_count: 1 } });
    if (status.ok) expect((status.value as { alarm: { code: string } | null }).alarm?.code).not.toBe('sync_not_running');

    // M-Pesa now goes through the server (which is unreachable here): the pay screen's offline case.
    const stk = await host.call('requestMpesaPayment', {
      command_id: '01930000-0000-7000-8000-00000000aa03',
      payment_id: '01930000-0000-7000-8000-00000000aa04',
      sale_id: '01930000-0000-7000-8000-00000000aa05',
      phone: '254712345678',
      amount: 10_000,
    });
    expect(stk).toMatchObject({ ok: false, error: { code: 'mpesa_unavailable' } });
  });
});
