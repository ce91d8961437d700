/** A customer the owner closed takes no new credit on the pay screen: no "put on credit" button. */
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { CreditPanel } from './CreditPanel.js';
import { en } from '../../i18n/en.js';

const customer = { customer_id: '0190a000-0000-7000-8000-000000000201', name: 'Wanjiku Kamau', credit_limit: 100_000, balance: 19_900 };

describe('CreditPanel', () => {
  it('offers credit to an open account', () => {
    const onTender = vi.fn();
    render(<CreditPanel remaining={5_000} customer={customer} onTender={onTender} onPickCustomer={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: /credit/i }));
    expect(onTender).toHaveBeenCalledWith({ tender: { kind: 'credit', amount: 5_000 } });
  });

  it('says a closed account takes no new credit and offers only another customer', () => {
    const onTender = vi.fn();
    const onPick = vi.fn();
    render(<CreditPanel remaining={5_000} customer={{ ...customer, active: false }} onTender={onTender} onPickCustomer={onPick} />);
    expect(screen.getByRole('status').textContent).toBe(en.credit_account_closed);
    const buttons = screen.getAllByRole('button');
    expect(buttons).toHaveLength(1);
    fireEvent.click(buttons[0]!);
    expect(onPick).toHaveBeenCalled();
    expect(onTender).not.toHaveBeenCalled();
  });
});
