/**
 * Issue 17: the cursor is never lost. Walks every screen and overlay with the keyboard and checks
 * `document.activeElement` after each step: the search box, the screens' find boxes, the float,
 * the cash given, "Next sale" (also after "Print again"), and back after the help (F1) closes,
 * on the sell screen and on the pay screen.
 */
import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderTill } from './testing/render-till.js';
import { FakeTill } from './testing/fake-transport.js';
import { openPay, pressKey, typeAndSubmit } from './testing/cashier-keys.js';

async function expectFocus(label: string | RegExp): Promise<void> {
  await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText(label)));
}

async function helpOpensAndCloses(backTo: () => Element): Promise<void> {
  pressKey('F1');
  const help = await screen.findByRole('dialog', { name: /keys/i });
  await waitFor(() => expect(help.contains(document.activeElement)).toBe(true));
  pressKey('Escape');
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  await waitFor(() => expect(document.activeElement).toBe(backTo()));
}

describe('focus after every action and overlay (issue 17)', () => {
  it('keeps the cursor in each screen’s main field, through a whole sale and the help', async () => {
    const { print } = renderTill({ fake: new FakeTill() });
    await expectFocus('Scan or search (F2)');
    await helpOpensAndCloses(() => screen.getByLabelText('Scan or search (F2)'));

    pressKey('F3');
    await expectFocus('Name or phone');
    pressKey('F8');
    await waitFor(() => expect((document.activeElement as HTMLInputElement | null)?.placeholder).toBe('T1-000123'));
    pressKey('F9');
    await expectFocus('Float');
    typeAndSubmit('Float', '1,000');
    await screen.findByText(/Shift open with a float/);
    pressKey('F2');
    await expectFocus('Scan or search (F2)');

    await openPay(['6001087011111']);
    await expectFocus('Cash given');
    await helpOpensAndCloses(() => screen.getByLabelText('Cash given'));

    typeAndSubmit('Cash given', '100');
    const next = await screen.findByRole('button', { name: 'Next sale (Enter)' });
    await waitFor(() => expect(document.activeElement).toBe(next));
    // A click (or Tab + Enter) puts the focus on the button it presses, as in a browser.
    const printAgain = screen.getByRole('button', { name: 'Print again' });
    act(() => {
      printAgain.focus();
      fireEvent.click(printAgain);
    });
    await waitFor(() => expect(print.printReceipt).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Next sale (Enter)' })));
    fireEvent.click(document.activeElement as HTMLElement);
    await expectFocus('Scan or search (F2)');
  });
});

describe('focus when a screen swaps what it shows (issue 17)', () => {
  it('a sale found by its receipt number opens with the cursor in its first refund quantity', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    await openPay(['6001087011111']);
    typeAndSubmit('Cash given', '100');
    const receiptNo = (await screen.findByTestId('receipt-no')).textContent ?? '';
    pressKey('F8');
    await waitFor(() => expect((document.activeElement as HTMLInputElement | null)?.placeholder).toBe('T1-000123'));
    // The find box goes away with the list; the browser moves the focus to nothing, silently.
    typeAndSubmit('Receipt number', receiptNo);
    await expectFocus('Refund quantity: Sunlight Soap 175g');
  });
});

describe('search messages (issue 17)', () => {
  it('"Nothing found" goes once the cashier searches again and results show', async () => {
    renderTill({ fake: new FakeTill() });
    const box = (await screen.findByLabelText('Scan or search (F2)')) as HTMLInputElement;
    fireEvent.change(box, { target: { value: 'zzzz' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(await screen.findByText(/Nothing found for/)).toBeTruthy();
    fireEvent.change(box, { target: { value: 'Su' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await screen.findByRole('listbox');
    expect(screen.queryByText(/Nothing found for/)).toBeNull();
  });
});
