import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ManualClock, SeededRandom } from '@payme/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../ledger/ledger.js';
import { catalogChanges, ids, tempDir } from '../../test/ledger-fixture.js';
import { deviceFilePath, readTillDevice, writeTillDevice } from './device-file.js';
import type { FetchLike } from './enrollment.js';
import { createTillHost, type TillHost } from './till-host.js';

const enrolled = {
  till_id: '01930000-0000-7000-8000-000000000e01',
  device_token: 'dt_'.padEnd(40, 'x'),
  epoch: 1,
  server_public_key: 'cd'.repeat(32),
  business_id: ids.business,
  store_id: ids.store,
  receipt_prefix: 'T2',
  name: 'Front counter',
  server_key_id: 'k1',
  business: { name: 'Duka la Mfano', time_zone: 'Africa/Nairobi', business_day_cutoff: '00:00' },
};

let dir: string;
let ledger: Ledger;
let host: TillHost;
let requests: { url: string; body: unknown }[];
let answer: () => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

const fakeFetch: FetchLike = async (url, init) => {
  requests.push({ url, body: JSON.parse(init.body) });
  return answer();
};
const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));

function makeHost(): TillHost {
  return createTillHost({ ledger, dataDir: dir, clock, fetch: fakeFetch });
}

beforeEach(() => {
  dir = tempDir('payme-enroll-');
  ledger = openLedger({ path: path.join(dir, 'till.db'), clock, random: new SeededRandom(7) });
  requests = [];
  answer = async () => ({ ok: true, status: 200, json: async () => enrolled });
  host = makeHost();
});
afterEach(() => ledger.close());

const enroll = (input: unknown) => host.call('enroll', input);

describe('first-run enrollment', () => {
  it('exchanges the code at the server, keeps the token 0600 and the identity in the ledger', async () => {
    expect(host.profile()).toMatchObject({ enrolled: false });
    // The first-run screen asks through the till API, before anyone can log in.
    expect(await host.call('tillProfile', {})).toEqual({ ok: true, value: host.profile() });
    const result = await enroll({ server_url: 'http://127.0.0.1:8787', code: ' ABCD-EFGH-JKMN ', name: 'Front counter' });
    expect(result).toEqual({ ok: true, value: { till_id: enrolled.till_id, receipt_prefix: 'T2', shop_name: 'Duka la Mfano' } });
    expect(requests).toEqual([{ url: 'http://127.0.0.1:8787/v1/tills/enroll', body: { code: 'ABCD-EFGH-JKMN', name: 'Front counter' } }]);
    expect(ledger.identity()).toMatchObject({ till_id: enrolled.till_id, receipt_prefix: 'T2', epoch: 1 });
    expect(readTillDevice(dir)?.enrollment.device_token).toBe(enrolled.device_token);
    expect(statSync(deviceFilePath(dir)).mode & 0o777).toBe(0o600);

    ledger.applyServerBatch({ changes: catalogChanges().filter((change) => change.kind === 'staff'), acked_seq: 0, cursor: '2' });
    expect(host.profile()).toEqual({
      enrolled: true,
      shop_name: 'Duka la Mfano',
      till_label: 'Front counter (T2)',
      server_url: 'http://127.0.0.1:8787',
      staff: [
        { staff_id: ids.cashier, name: 'Achieng', role: 'cashier' },
        { staff_id: ids.manager, name: 'Mwangi', role: 'manager' },
      ],
    });
    expect(await enroll({ server_url: 'http://127.0.0.1:8787', code: 'ABCD-EFGH-JKMN', name: 'Again' })).toMatchObject({ ok: false, error: { code: 'already_enrolled' } });
    expect(requests).toHaveLength(1);
    expect(await host.call('tillProfile', {})).toMatchObject({ ok: true, value: { enrolled: true, staff: [{ name: 'Achieng' }, { name: 'Mwangi' }] } });

    // What receipts print comes with the synced settings (issue 17).
    ledger.applyServerBatch({
      changes: [
        { cursor: '3', kind: 'setting', id: 'kra_pin', data: { key: 'kra_pin', value: 'P051234567X' } },
        { cursor: '4', kind: 'setting', id: 'business_address', data: { key: 'business_address', value: 'Moi Avenue, Nairobi' } },
        { cursor: '5', kind: 'setting', id: 'vat_registered', data: { key: 'vat_registered', value: false } },
      ],
      acked_seq: 0,
      cursor: '5',
    });
    expect(host.profile()).toMatchObject({ kra_pin: 'P051234567X', business_address: 'Moi Avenue, Nairobi', vat_registered: false });
  });

  it('refuses a bad address or code before calling the server', async () => {
    expect(await enroll({ server_url: 'ftp://x', code: 'ABCDEFGH', name: 'Till' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'server_url' } });
    expect(await enroll({ server_url: 'http://127.0.0.1:8787', code: 'AB', name: 'Till' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'code' } });
    expect(await enroll({ server_url: 'http://127.0.0.1:8787', code: 'ABCDEFGH', name: '' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'name' } });
    expect(requests).toEqual([]);
  });

  it('passes the server\'s refusal through, naming the field, and stores nothing', async () => {
    answer = async () => ({ ok: false, status: 400, json: async () => ({ code: 'enrollment_code_used', message: 'This enrollment code was already used', field: 'code' }) });
    expect(await enroll({ server_url: 'http://127.0.0.1:8787', code: 'ABCDEFGH', name: 'Till' })).toEqual({
      ok: false,
      error: { code: 'enrollment_code_used', message: 'This enrollment code was already used', field: 'code' },
    });
    expect(ledger.identity()).toBeNull();
    expect(existsSync(deviceFilePath(dir))).toBe(false);
  });

  it('says the server cannot be reached, and refuses an answer that is not an enrollment', async () => {
    answer = () => Promise.reject(new TypeError('fetch failed'));
    expect(await enroll({ server_url: 'http://127.0.0.1:1', code: 'ABCDEFGH', name: 'Till' })).toMatchObject({ ok: false, error: { code: 'offline', field: 'server_url' } });
    answer = async () => ({ ok: true, status: 200, json: async () => ({ till_id: 'nope' }) });
    expect(await enroll({ server_url: 'http://127.0.0.1:8787', code: 'ABCDEFGH', name: 'Till' })).toMatchObject({ ok: false, error: { code: 'enrollment_failed' } });
    expect(ledger.identity()).toBeNull();
  });

  it('completes an enrollment a crash cut between the token and the identity', () => {
    writeTillDevice(dir, { server_url: 'http://127.0.0.1:8787', enrollment: enrolled, shop_name: 'Duka la Mfano', enrolled_at: '2026-11-26T06:00:00.000Z' });
    expect(ledger.identity()).toBeNull();
    host = makeHost();
    expect(ledger.identity()).toMatchObject({ till_id: enrolled.till_id });
    expect(host.profile()).toMatchObject({ enrolled: true, till_label: 'Front counter (T2)' });
  });
});
