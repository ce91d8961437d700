/** TEST HELPER: what a cashier does with the keyboard and scanner, for the screen tests. */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { expect } from 'vitest';

/** A scanner is a keyboard wedge: the code arrives as typed text, then Enter. */
export async function scan(code: string): Promise<void> {
  const box = screen.getByLabelText('Scan or search (F2)') as HTMLInputElement;
  fireEvent.change(box, { target: { value: code } });
  fireEvent.keyDown(box, { key: 'Enter' });
  await waitFor(() => expect(box.value).toBe(''));
}

export function pressKey(key: string): void {
  act(() => {
    fireEvent.keyDown(window, { key });
  });
}

export function typeAndSubmit(label: string, value: string): void {
  const input = screen.getByLabelText(label);
  fireEvent.change(input, { target: { value } });
  fireEvent.submit(input.closest('form')!);
}

/** Scans the items and opens pay (F4); resolves with the total shown there. */
export async function openPay(items: readonly string[]): Promise<HTMLElement> {
  for (const item of items) await scan(item);
  await waitFor(() => expect(screen.getByTestId('cart-total').textContent).not.toBe('KSh 0.00'));
  pressKey('F4');
  return screen.findByTestId('pay-total');
}
