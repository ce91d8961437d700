/**
 * DESIGN §8: the same phone and amount within two minutes asks for confirmation before a second
 * STK request, so a customer who already paid (or is still typing their PIN) is not charged twice.
 */
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';
import { FakeTill } from '../../testing/fake-transport.js';
import { openPay, typeAndSubmit } from '../../testing/cashier-keys.js';

const soap = '6001087011111'; // KSh 55.00

async function payByMpesa() {
  await openPay([soap]);
  fireEvent.click(screen.getByRole('tab', { name: 'M-Pesa' }));
  typeAndSubmit('Phone number', '0712 345 678');
}

async function sellByMpesa(fake: FakeTill) {
  await payByMpesa();
  await screen.findByText('Waiting for the customer to enter their PIN');
  fake.settlePayments({ state: 'succeeded', mpesa_receipt: 'NLJ7RT61SV', result_code: 0 });
  fireEvent.click(await screen.findByRole('button', { name: 'Continue' }));
  fireEvent.click(await screen.findByRole('button', { name: /^Next sale/ }));
  await screen.findByLabelText('Scan or search (F2)');
}

describe('a second M-Pesa request for the same phone and amount', () => {
  it('asks first; "Do not send" sends nothing, "Send another request" sends it', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    await sellByMpesa(fake);
    fake.clock.advance(45_000);
    await payByMpesa();
    const warning = await screen.findByRole('alertdialog', { name: 'Same payment again?' });
    expect(warning.textContent).toContain('A payment of KSh 55.00 from 0712 345 678 was asked for 45 s ago (Paid)');
    expect(fake.callsOf('requestMpesaPayment')).toHaveLength(1);
    // The safe answer has the focus.
    expect(document.activeElement?.textContent).toBe('Do not send');
    fireEvent.click(screen.getByRole('button', { name: 'Do not send' }));
    expect(await screen.findByLabelText('Phone number')).toBeTruthy();
    expect(fake.callsOf('requestMpesaPayment')).toHaveLength(1);
    typeAndSubmit('Phone number', '0712 345 678');
    fireEvent.click(await screen.findByRole('button', { name: 'Send another request' }));
    await screen.findByText('Waiting for the customer to enter their PIN');
    expect(fake.callsOf('requestMpesaPayment')).toHaveLength(2);
  });

  it('does not ask for another amount, or after two minutes', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    await sellByMpesa(fake);
    fake.clock.advance(10_000);
    await openPay([soap, soap]);
    fireEvent.click(screen.getByRole('tab', { name: 'M-Pesa' }));
    typeAndSubmit('Phone number', '0712 345 678');
    await screen.findByText('Waiting for the customer to enter their PIN');
    fake.settlePayments({ state: 'succeeded', mpesa_receipt: 'NLJ7RT61SW', result_code: 0 });
    fireEvent.click(await screen.findByRole('button', { name: 'Continue' }));
    fireEvent.click(await screen.findByRole('button', { name: /^Next sale/ }));
    fake.clock.advance(120_000);
    await payByMpesa();
    await screen.findByText('Waiting for the customer to enter their PIN');
    await waitFor(() => expect(fake.callsOf('requestMpesaPayment')).toHaveLength(3));
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
