import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';
import { FakeTill } from '../../testing/fake-transport.js';
import { ids } from '../../testing/fake-fixtures.js';

async function sell(fake: FakeTill, tender: 'cash' | 'mpesa', quantity = 2) {
  const sale_id = `0190a000-0000-7000-8000-0000000${String(fake.sales.length).padStart(5, '0')}`;
  const payment_id = '0190a000-0000-7000-8000-00000000cccc';
  if (tender === 'mpesa') {
    await fake.call('requestMpesaPayment', { command_id: payment_id, payment_id, sale_id, phone: '254712345678', amount: 5_500 * quantity });
    fake.settlePayments({ state: 'succeeded', mpesa_receipt: 'NLJ7RT61SV' });
  }
  const tenders = tender === 'cash' ? [{ kind: 'cash' as const, amount: 5_500 * quantity }] : [{ kind: 'mpesa' as const, amount: 5_500 * quantity, payment_id }];
  await fake.call('completeSale', { command_id: sale_id, sale_id, lines: [{ product_id: ids.soap, quantity }], tenders });
}

async function openSale(receipt: string) {
  act(() => {
    fireEvent.keyDown(window, { key: 'F8' });
  });
  const find = await screen.findByLabelText('Receipt number');
  fireEvent.change(find, { target: { value: receipt.toLowerCase() } });
  fireEvent.submit(find.closest('form')!);
  await screen.findByRole('heading', { name: new RegExp(`^${receipt}`) });
}

function approveWith(pin: string) {
  const prompt = screen.getByRole('dialog', { name: 'Manager approval' });
  fireEvent.change(within(prompt).getByLabelText('Manager PIN'), { target: { value: pin } });
  fireEvent.submit(within(prompt).getByLabelText('Manager PIN').closest('form')!);
}

describe('sales history, refunds and voids', () => {
  it('shows what was refunded and what is left, "All" means what is left, a running total, and the quantity is checked before the manager is asked (issue 17)', async () => {
    const fake = new FakeTill();
    await sell(fake, 'cash', 3);
    renderTill({ fake });
    await openSale('T1-000001');
    const box = () => screen.getByLabelText('Refund quantity: Sunlight Soap 175g');
    fireEvent.change(box(), { target: { value: '1' } });
    expect(screen.getByTestId('refund-total').textContent).toBe('Refund total: KSh 55.00');
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'Broken' } });
    fireEvent.click(screen.getByRole('button', { name: 'Refund (manager)' }));
    await screen.findByRole('dialog', { name: 'Manager approval' });
    approveWith('9876');
    await screen.findByText(/^Refunded KSh 55.00/);
    const line_id = fake.sales[0]!.sale.lines[0]!.line_id;
    await waitFor(() => expect(screen.getByTestId(`refunded-${line_id}`).textContent).toBe('1'));
    expect(screen.getByTestId(`left-${line_id}`).textContent).toBe('2');
    fireEvent.click(screen.getByRole('button', { name: 'All' }));
    expect((box() as HTMLInputElement).value).toBe('2');
    expect(screen.getByTestId('refund-total').textContent).toBe('Refund total: KSh 110.00');
    // More than is left: said in words, and no manager is asked for a PIN.
    const calls = fake.callsOf('refundSale').length;
    fireEvent.change(box(), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Refund (manager)' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Only 2 of Sunlight Soap 175g is left to refund: lower the quantity.');
    expect(screen.queryByRole('dialog', { name: 'Manager approval' })).toBeNull();
    expect(fake.callsOf('refundSale')).toHaveLength(calls);
  });

  it('a partial refund is blocked without a manager PIN and done with one', async () => {
    const fake = new FakeTill();
    await sell(fake, 'cash');
    renderTill({ fake });
    await openSale('T1-000001');
    fireEvent.change(screen.getByLabelText('Refund quantity: Sunlight Soap 175g'), { target: { value: '1' } });
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'Wrong size' } });
    fireEvent.click(screen.getByRole('button', { name: 'Refund (manager)' }));
    await screen.findByRole('dialog', { name: 'Manager approval' });
    expect(fake.sales[0]?.refunded_total).toBe(0);
    approveWith('9876');
    expect((await screen.findByText(/^Refunded/)).textContent).toBe('Refunded KSh 55.00: Cash from the drawer.');
    expect(fake.callsOf('refundSale').at(-1)).toMatchObject({ tender: 'cash', reason: 'Wrong size', approval: { manager_id: ids.manager, pin: '9876' } });
    await screen.findByText(/Partly refunded/);
  });

  it('an M-Pesa sale offers cash or a reversal for the whole sale, and says which was done', async () => {
    const fake = new FakeTill();
    await sell(fake, 'mpesa');
    renderTill({ fake });
    await openSale('T1-000001');
    fireEvent.change(screen.getByLabelText('Refund quantity: Sunlight Soap 175g'), { target: { value: '1' } });
    expect(screen.queryByLabelText('M-Pesa reversal request')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'All' }));
    fireEvent.click(screen.getByLabelText('M-Pesa reversal request'));
    expect(screen.getByText(/reversed by the server when this till is online/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'Customer returned it' } });
    fireEvent.click(screen.getByRole('button', { name: 'Refund (manager)' }));
    await screen.findByRole('dialog', { name: 'Manager approval' });
    approveWith('9876');
    expect((await screen.findByText(/^Refunded/)).textContent).toBe('Refunded KSh 110.00: M-Pesa reversal request.');
    expect(fake.callsOf('refundSale').at(-1)?.lines).toEqual([{ line_id: fake.sales[0]?.sale.lines[0]?.line_id, quantity: 2 }]);
  });

  it('a void needs a manager and marks the sale voided; a reprint prints at once, marked COPY, without the change panel (issue 17)', async () => {
    const fake = new FakeTill();
    await sell(fake, 'cash');
    const { print } = renderTill({ fake });
    await openSale('T1-000001');
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'Rang twice' } });
    fireEvent.click(screen.getByRole('button', { name: 'Void sale (manager)' }));
    await screen.findByRole('dialog', { name: 'Manager approval' });
    approveWith('9876');
    await screen.findByText('Sale T1-000001 voided.');
    await waitFor(() => expect(fake.sales[0]?.status).toBe('voided'));
    fireEvent.click(screen.getByRole('button', { name: 'Reprint receipt' }));
    expect((await screen.findByTestId('receipt-no')).textContent).toBe('T1-000001');
    expect(screen.getByText('Voided')).toBeTruthy();
    expect(screen.getAllByText('*** COPY ***').length).toBeGreaterThan(0);
    expect(screen.queryByTestId('receipt-change')).toBeNull();
    await waitFor(() => expect(print.printReceipt).toHaveBeenCalledTimes(1));
  });

  it('an unknown receipt number is named in the error', async () => {
    renderTill();
    act(() => {
      fireEvent.keyDown(window, { key: 'F8' });
    });
    const find = await screen.findByLabelText('Receipt number');
    fireEvent.change(find, { target: { value: 'T1-000099' } });
    fireEvent.submit(find.closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toContain('no sale T1-000099');
  });
});
