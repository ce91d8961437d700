import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { renderTill } from '../testing/render-till.js';
import { FakeTill } from '../testing/fake-transport.js';
import { minutesSince } from './StatusStrip.js';

describe('the status strip', () => {
  it('shows online state, last sync, sales waiting and M-Pesa payments pending', async () => {
    const fake = new FakeTill();
    fake.unsynced = 14;
    const sale_id = '0190a000-0000-7000-8000-00000000aaaa';
    const payment_id = '0190a000-0000-7000-8000-00000000bbbb';
    await fake.call('requestMpesaPayment', { command_id: payment_id, payment_id, sale_id, phone: '254712345678', amount: 5_500 });
    await fake.call('parkSale', { command_id: sale_id, sale_id, payment_id, lines: [{ product_id: fake.products[0]!.product_id, quantity: 1 }] });
    const syncedAt = fake.clock.now();
    fake.clock.advance(2 * 60_000);
    // The fake reports "now" as the last push; make it two minutes old.
    const originalCall = fake.call.bind(fake);
    fake.call = (async (method: Parameters<typeof fake.call>[0], input: never) => {
      const result = await originalCall(method, input);
      return method === 'syncStatus' ? { ...result, last_push_at: new Date(syncedAt).toISOString() } : result;
    }) as typeof fake.call;
    renderTill({ fake });
    const strip = screen.getByRole('status', { name: 'Till status' });
    expect(await within(strip).findByText('14 sales waiting to sync')).toBeTruthy();
    expect(within(strip).getByText('Online')).toBeTruthy();
    expect(within(strip).getByText('Last synced 2 min ago')).toBeTruthy();
    expect(within(strip).getByText('1 M-Pesa payment pending')).toBeTruthy();
  });

  it('says so when the till program stops answering', async () => {
    const fake = new FakeTill();
    fake.call = (async () => { throw new Error('down'); }) as typeof fake.call;
    renderTill({ fake, loggedIn: false });
    expect(await screen.findByText('The till program is not answering')).toBeTruthy();
  });

  it('counts the parked sales (issue 17)', async () => {
    const fake = new FakeTill();
    const parked = { sale_id: '01900000-0000-7000-8000-000000000001', payment_id: '01900000-0000-7000-8000-000000000002', lines: [], total: 100, parked_at: '2026-12-07T08:00:00.000Z' };
    fake.parked.set(parked.sale_id, parked);
    fake.parked.set('second', { ...parked, sale_id: '01900000-0000-7000-8000-000000000003' });
    renderTill({ fake, loggedIn: false });
    expect(await within(await screen.findByRole('status')).findByText('2 parked sales (F6)')).toBeTruthy();
  });

  it('never shows "Online" or "Everything synced" once the till program stops answering (issue 17)', async () => {
    const fake = new FakeTill();
    renderTill({ fake, loggedIn: false, status_poll_ms: 20 });
    const strip = await screen.findByRole('status');
    expect(await within(strip).findByText('Online')).toBeTruthy();
    fake.call = (async () => { throw new Error('down'); }) as typeof fake.call;
    expect(await within(strip).findByText('The till program is not answering')).toBeTruthy();
    expect(within(strip).queryByText('Online')).toBeNull();
    expect(within(strip).queryByText('Everything synced')).toBeNull();
  });

  it("shows the sync agent's alarm in the cashier's language, the agent's own words on hover", async () => {
    const fake = new FakeTill();
    fake.alarm = { code: 'till_fenced', message: 'Another PC is using this till identity; enroll this one as a new till' };
    renderTill({ fake, language: 'sw' });
    const alarm = await screen.findByRole('alert');
    expect(alarm.textContent).toBe('Kompyuta nyingine imechukua till hii. Usawazishaji umesimama; mauzo yako salama kwenye kompyuta hii. Mwite mmiliki.');
    expect(alarm.getAttribute('title')).toBe(fake.alarm.message);
  });

  it('shows an alarm code this version does not know in the words the agent sent', async () => {
    const fake = new FakeTill();
    fake.alarm = { code: 'something_newer', message: 'A newer till reports something' };
    renderTill({ fake });
    expect((await screen.findByRole('alert')).textContent).toBe('A newer till reports something');
  });

  it('counts whole minutes and never goes negative', () => {
    expect(minutesSince('2026-11-26T10:00:00.000Z', Date.parse('2026-11-26T10:02:59.000Z'))).toBe(2);
    expect(minutesSince('2026-11-26T10:00:00.000Z', Date.parse('2026-11-26T09:59:00.000Z'))).toBe(0);
  });
});
