import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';

function openCustomers() {
  act(() => {
    fireEvent.keyDown(window, { key: 'F3' });
  });
}

describe('customers', () => {
  it('finds a customer by phone and attaches them to the sale', async () => {
    const { cart } = renderTill();
    openCustomers();
    const find = await screen.findByLabelText('Name or phone');
    fireEvent.change(find, { target: { value: '712345' } });
    fireEvent.submit(find.closest('form')!);
    fireEvent.click(await screen.findByRole('button', { name: 'Use for this sale' }));
    expect(cart.getState().cart.customer?.name).toBe('Mama Wanjiku');
    expect(await screen.findByText('Mama Wanjiku')).toBeTruthy();
  });

  it('shows phone numbers the Kenyan way, not as Daraja stores them (issue 17)', async () => {
    renderTill();
    openCustomers();
    const find = await screen.findByLabelText('Name or phone');
    fireEvent.change(find, { target: { value: '712345' } });
    fireEvent.submit(find.closest('form')!);
    const found = await screen.findByRole('button', { name: 'Use for this sale' });
    const row = found.closest('li') ?? found.parentElement!;
    expect(row.textContent).toContain('0712 345 678');
    expect(row.textContent).not.toContain('254712345678');
  });

  it('creates a customer with a 07… phone stored the Daraja way', async () => {
    const { fake } = renderTill();
    openCustomers();
    fireEvent.click(await screen.findByRole('button', { name: 'New customer' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: '  Baba Otieno ' } });
    fireEvent.change(screen.getByLabelText('Phone number'), { target: { value: '0722 000 111' } });
    fireEvent.change(screen.getByLabelText('Limit'), { target: { value: '1,000' } });
    fireEvent.submit(screen.getByLabelText('Name').closest('form')!);
    await screen.findByText('Baba Otieno');
    expect(fake.callsOf('createCustomer')[0]).toMatchObject({ name: '  Baba Otieno ', phone: '254722000111', credit_limit: 100_000 });
    expect(fake.customers.at(-1)?.name).toBe('Baba Otieno');
  });

  it('records a credit payment and shows it on the statement with the new balance', async () => {
    renderTill();
    openCustomers();
    const find = await screen.findByLabelText('Name or phone');
    fireEvent.change(find, { target: { value: 'wanjiku' } });
    fireEvent.submit(find.closest('form')!);
    fireEvent.click(await screen.findByRole('button', { name: 'Statement' }));
    const amount = await screen.findByLabelText('Amount');
    fireEvent.change(amount, { target: { value: '1,200' } });
    fireEvent.submit(amount.closest('form')!);
    await screen.findByText('Payment of KSh 1,200.00 recorded. New balance KSh 3,000.00.');
    expect(await screen.findByRole('heading', { name: /Balance KSh 3,000.00/ })).toBeTruthy();
    expect(screen.getByRole('row', { name: /Payment/ }).textContent).toContain('-KSh 1,200.00');
  });
});
