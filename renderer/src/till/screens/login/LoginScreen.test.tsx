import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';

function typePin(pin: string) {
  const input = screen.getByLabelText('PIN');
  fireEvent.change(input, { target: { value: pin } });
  fireEvent.submit(input.closest('form')!);
}

describe('staff login and lock', () => {
  it('says who is the cashier and who the manager in the name list (issue 17)', async () => {
    renderTill({ loggedIn: false });
    const names = within(await screen.findByLabelText('Name')).getAllByRole('option').map((option) => option.textContent);
    expect(names.some((name) => / \(cashier\)$/.test(name ?? ''))).toBe(true);
    expect(names.some((name) => / \(manager\)$/.test(name ?? ''))).toBe(true);
  });

  it('the right PIN opens the sell screen; a wrong one says so in words', async () => {
    renderTill({ loggedIn: false });
    typePin('1111');
    // Said once (issue 17: it read "Wrong PIN. (Wrong PIN)").
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong PIN.');
    typePin('1234');
    await screen.findByLabelText('Scan or search (F2)');
  });

  it('five wrong PINs lock the name; a manager unlocks it with their PIN', async () => {
    const { fake } = renderTill({ loggedIn: false });
    for (let i = 0; i < 5; i += 1) {
      typePin('0000');
      await screen.findByRole('alert');
    }
    typePin('1234');
    expect((await screen.findByText(/locked after five wrong PINs/)).textContent).toContain('ask a manager');
    fireEvent.click(screen.getByRole('button', { name: 'Manager unlock' }));
    const prompt = await screen.findByRole('dialog', { name: 'Manager approval' });
    fireEvent.change(within(prompt).getByLabelText('Manager PIN'), { target: { value: '9876' } });
    fireEvent.submit(within(prompt).getByLabelText('Manager PIN').closest('form')!);
    await screen.findByText('Unlocked. Type the PIN again.');
    expect(fake.callsOf('unlockStaff')[0]?.approval?.pin).toBe('9876');
    typePin('1234');
    await screen.findByLabelText('Scan or search (F2)');
  });

  it('Lock shows the lock screen for the same person, and their PIN brings the cart back', async () => {
    const { fake, cart } = renderTill();
    cart.getState().dispatch({ type: 'add', product: fake.products[0]!, quantity: 2 });
    fireEvent.click(screen.getByRole('button', { name: 'Lock' }));
    expect(screen.getByText('Amina Cashier, type your PIN to carry on.')).toBeTruthy();
    expect(screen.queryByLabelText('Scan or search (F2)')).toBeNull();
    typePin('1234');
    await screen.findByLabelText('Scan or search (F2)');
    expect(cart.getState().cart.lines[0]?.quantity).toBe(2);
    expect(fake.callsOf('lock')).toHaveLength(1);
  });

  it('each person’s language is remembered on this PC', async () => {
    const { remembered } = renderTill({ loggedIn: false });
    remembered.set('0190a000-0000-7000-8000-000000000001', 'sw');
    typePin('1234');
    await screen.findByLabelText('Skani au tafuta (F2)');
  });
});
