import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';
import { FakeTill } from '../../testing/fake-transport.js';
import { ids } from '../../testing/fake-fixtures.js';

async function submitAmount(label: string, value: string) {
  const input = await screen.findByLabelText(label);
  fireEvent.change(input, { target: { value } });
  fireEvent.submit(input.closest('form')!);
}

describe('the shift', () => {
  it('after sign-in with no shift open the sell screen says so; F9 puts the cursor in Float (issue 17)', async () => {
    renderTill({ fake: new FakeTill() });
    expect(await screen.findByText(/No shift is open/)).toBeTruthy();
    act(() => {
      fireEvent.keyDown(window, { key: 'F9' });
    });
    const float = await screen.findByLabelText('Float');
    expect(document.activeElement).toBe(float);
    await submitAmount('Float', '1,000');
    await screen.findByText('Shift open with a float of KSh 1,000.00.');
    act(() => {
      fireEvent.keyDown(window, { key: 'F2' });
    });
    await screen.findByLabelText('Scan or search (F2)');
    expect(screen.queryByText(/No shift is open/)).toBeNull();
  });

  it('opens with a float, takes pay-ins and a manager-approved pay-out, then closes blind into a Z-report', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    act(() => {
      fireEvent.keyDown(window, { key: 'F9' });
    });
    await submitAmount('Float', '2,000');
    await screen.findByText('Shift open with a float of KSh 2,000.00.');
    // Pay in: the first Amount field; pay out: the second.
    const [payInAmount, payOutAmount] = await screen.findAllByLabelText('Amount');
    fireEvent.change(payInAmount!, { target: { value: '500' } });
    fireEvent.change(within(payInAmount!.closest('form')!).getByLabelText('Reason'), { target: { value: 'Change from the bank' } });
    fireEvent.submit(payInAmount!.closest('form')!);
    await screen.findByText('KSh 500.00 paid in.');
    fireEvent.change(payOutAmount!, { target: { value: '300' } });
    fireEvent.change(within(payOutAmount!.closest('form')!).getByLabelText('Reason'), { target: { value: 'Transport' } });
    fireEvent.submit(payOutAmount!.closest('form')!);
    const prompt = await screen.findByRole('dialog', { name: 'Manager approval' });
    fireEvent.change(within(prompt).getByLabelText('Manager PIN'), { target: { value: '9876' } });
    fireEvent.submit(within(prompt).getByLabelText('Manager PIN').closest('form')!);
    await screen.findByText('KSh 300.00 paid out.');
    // Blind: the expected cash is not on screen before the count.
    expect(screen.queryByText('KSh 2,200.00')).toBeNull();
    await submitAmount('Cash counted', '2,150');
    const report = await screen.findByRole('main', { name: 'Z-report' });
    // Shop, till and cashier on the printout (issue 17).
    expect(within(report).getByTestId('z-report-who').textContent).toBe('Duka la Mama · Till 1 · Amina Cashier');
    const cashRow = within(report).getByRole('row', { name: /Cash/ });
    expect(cashRow.textContent).toBe('CashKSh 2,200.00KSh 2,150.00-KSh 50.00');
    expect(within(report).getByText('Pay in: KSh 500.00 · Pay out: KSh 300.00')).toBeTruthy();
    expect(fake.callsOf('payOut')[1]?.approval?.manager_id).toBe(ids.manager);
  });

  it('the blind close counts every tender: the Z-report shows expected vs counted for cash, M-Pesa and credit', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    act(() => {
      fireEvent.keyDown(window, { key: 'F9' });
    });
    await submitAmount('Float', '1,000');
    await screen.findByText('Shift open with a float of KSh 1,000.00.');
    // One sale of 3 bars (165.00): 50.00 cash, 80.00 M-Pesa (a typed code), 35.00 on credit.
    await fake.call('completeSale', {
      command_id: '0190a000-0000-7000-8000-00000000c001',
      sale_id: '0190a000-0000-7000-8000-00000000c002',
      lines: [{ product_id: ids.soap, quantity: 3 }],
      customer_id: ids.wanjiku,
      tenders: [{ kind: 'cash', amount: 5_000 }, { kind: 'mpesa', amount: 8_000, claim_code: 'SKL4ABCD12' }, { kind: 'credit', amount: 3_500 }],
    });
    const close = await screen.findByRole('form', { name: 'Close shift' });
    // Blind: none of the expected figures is on screen before the count.
    for (const expected of ['KSh 1,050.00', 'KSh 80.00', 'KSh 35.00']) expect(screen.queryByText(expected)).toBeNull();
    fireEvent.change(within(close).getByLabelText('Cash counted'), { target: { value: '1,040' } });
    fireEvent.change(within(close).getByLabelText('M-Pesa on the statement'), { target: { value: '80' } });
    fireEvent.submit(close);
    const report = await screen.findByRole('main', { name: 'Z-report' });
    expect(fake.callsOf('closeShift')[0]?.counted).toEqual([{ tender: 'cash', amount: 104_000 }, { tender: 'mpesa', amount: 8_000 }]);
    const rows = within(report).getAllByRole('row').slice(1).map((row) => row.textContent);
    expect(rows).toEqual([
      'CashKSh 1,050.00KSh 1,040.00-KSh 10.00',
      'M-PesaKSh 80.00KSh 80.00KSh 0.00',
      'CreditKSh 35.00not counted—',
    ]);
  });

  it('the cash count is required; a typo in another tender is named', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    act(() => {
      fireEvent.keyDown(window, { key: 'F9' });
    });
    await submitAmount('Float', '0');
    const close = await screen.findByRole('form', { name: 'Close shift' });
    fireEvent.submit(close);
    expect((await within(close).findByRole('alert')).textContent).toContain('Cash counted');
    fireEvent.change(within(close).getByLabelText('Cash counted'), { target: { value: '0' } });
    fireEvent.change(within(close).getByLabelText('Credit slips'), { target: { value: '12x' } });
    fireEvent.submit(close);
    await waitFor(() => expect(within(close).getByRole('alert').textContent).toContain('Credit slips'));
    expect(fake.callsOf('closeShift')).toHaveLength(0);
  });
});

