import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';
import { FakeTill } from '../../testing/fake-transport.js';
import { ids } from '../../testing/fake-fixtures.js';

async function submitAmount(label: string, value: string) {
  const input = await screen.findByLabelText(label);
  fireEvent.change(input, { target: { value } });
  fireEvent.submit(input.closest('form')!);
}

describe('the shift', () => {
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
    const cashRow = within(report).getByRole('row', { name: /Cash/ });
    expect(cashRow.textContent).toBe('CashKSh 2,200.00KSh 2,150.00-KSh 50.00');
    expect(within(report).getByText('Pay in: KSh 500.00 · Pay out: KSh 300.00')).toBeTruthy();
    expect(fake.callsOf('payOut')[1]?.approval?.manager_id).toBe(ids.manager);
  });
});
