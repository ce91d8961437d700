import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';
import { FakeTill } from '../../testing/fake-transport.js';
import { ids } from '../../testing/fake-fixtures.js';

const soap = '6001087011111'; // KSh 55.00

async function scan(code: string) {
  const box = screen.getByLabelText('Scan or search (F2)') as HTMLInputElement;
  fireEvent.change(box, { target: { value: code } });
  fireEvent.keyDown(box, { key: 'Enter' });
  await waitFor(() => expect(box.value).toBe(''));
}

async function openPay(items: string[]) {
  for (const item of items) await scan(item);
  await waitFor(() => expect(screen.getByTestId('cart-total').textContent).not.toBe('KSh 0.00'));
  act(() => {
    fireEvent.keyDown(window, { key: 'F4' });
  });
  return screen.findByTestId('pay-total');
}

function typeAndSubmit(label: string, value: string) {
  const input = screen.getByLabelText(label);
  fireEvent.change(input, { target: { value } });
  fireEvent.submit(input.closest('form')!);
}

describe('the pay screen', () => {
  it('cash: shows the change in large digits, completes and shows the receipt', async () => {
    const { fake, print } = renderTill();
    await openPay([soap]);
    const given = screen.getByLabelText('Cash given');
    fireEvent.change(given, { target: { value: '100' } });
    expect(screen.getByTestId('change-due').textContent).toBe('KSh 45.00');
    fireEvent.submit(given.closest('form')!);
    expect(await screen.findByTestId('receipt-no')).toHaveProperty('textContent', 'T1-000001');
    expect(screen.getByTestId('receipt-change').textContent).toBe('KSh 45.00');
    expect(fake.callsOf('completeSale')[0]?.tenders).toEqual([{ kind: 'cash', amount: 5_500, tendered: 10_000 }]);
    const receipt = screen.getByRole('article', { name: 'Receipt' });
    expect(within(receipt).getByText('KRA PIN P051234567Z')).toBeTruthy();
    expect(within(receipt).getByText(/Amina Cashier/)).toBeTruthy();
    await waitFor(() => expect(print.printReceipt).toHaveBeenCalledTimes(1));
  });

  it('a price change asks for a manager PIN right there and retries the sale with it', async () => {
    const { fake } = renderTill();
    await scan(soap);
    fireEvent.click(await screen.findByRole('button', { name: 'Price' }));
    typeAndSubmit('Price (KSh)', '50');
    expect(screen.getByTestId('cart-total').textContent).toBe('KSh 50.00');
    act(() => {
      fireEvent.keyDown(window, { key: 'F4' });
    });
    fireEvent.submit((await screen.findByLabelText('Cash given')).closest('form')!);
    const prompt = await screen.findByRole('dialog', { name: 'Manager approval' });
    expect(within(prompt).getByText(/needs a manager PIN/)).toBeTruthy();
    typeAndSubmit('Manager PIN', '0000');
    expect(await within(prompt).findByRole('alert')).toHaveProperty('textContent', expect.stringContaining('Wrong PIN'));
    typeAndSubmit('Manager PIN', '9876');
    await screen.findByTestId('receipt-no');
    const attempts = fake.callsOf('completeSale');
    expect(attempts.map((attempt) => attempt.approval)).toEqual([undefined, { manager_id: ids.manager, pin: '0000' }, { manager_id: ids.manager, pin: '9876' }]);
    expect(attempts[2]?.lines).toEqual([{ product_id: ids.soap, quantity: 1, unit_price: 5_000 }]);
  });

  it('Esc on the approval prompt cancels and leaves the sale unpaid', async () => {
    const { fake } = renderTill();
    await scan(soap);
    fireEvent.click(await screen.findByRole('button', { name: 'Price' }));
    typeAndSubmit('Price (KSh)', '50');
    act(() => {
      fireEvent.keyDown(window, { key: 'F4' });
    });
    fireEvent.submit((await screen.findByLabelText('Cash given')).closest('form')!);
    const prompt = await screen.findByRole('dialog', { name: 'Manager approval' });
    fireEvent.keyDown(within(prompt).getByLabelText('Manager PIN'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Manager approval' })).toBeNull());
    expect(screen.getByTestId('pay-total').textContent).toBe('KSh 50.00');
    expect(fake.sales).toHaveLength(0);
  });

  async function startMpesa(fake: FakeTill) {
    await openPay([soap]);
    fireEvent.click(screen.getByRole('tab', { name: 'M-Pesa' }));
    typeAndSubmit('Phone number', '0712 345 678');
    await screen.findByText('Waiting for the customer to enter their PIN');
    expect(screen.getByTestId('mpesa-countdown').textContent).toMatch(/^\d+ s left$/);
    expect(fake.callsOf('requestMpesaPayment')[0]).toMatchObject({ phone: '254712345678', amount: 5_500 });
  }

  it('M-Pesa: waiting, then paid with the receipt number, which the receipt shows', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    await startMpesa(fake);
    fake.settlePayments({ state: 'succeeded', mpesa_receipt: 'NLJ7RT61SV', result_code: 0 });
    await screen.findByText('Paid — receipt NLJ7RT61SV');
    // Not "Still to pay" beside "Paid" (issue 17).
    expect(screen.queryByText(/Still to pay/)).toBeNull();
    expect(screen.getByText('Paid by M-Pesa: press Continue.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByTestId('receipt-no');
    expect(within(screen.getByRole('article', { name: 'Receipt' })).getByText(/M-Pesa receipt: NLJ7RT61SV/)).toBeTruthy();
    const payment_id = fake.callsOf('requestMpesaPayment')[0]?.payment_id;
    expect(fake.callsOf('completeSale')[0]?.tenders).toEqual([{ kind: 'mpesa', amount: 5_500, payment_id }]);
  });

  it('M-Pesa: the customer cancelled, and "Try again" sends a new payment id', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    await startMpesa(fake);
    fake.settlePayments({ state: 'cancelled', result_code: 1032 });
    await screen.findByText('The customer cancelled');
    expect(screen.getByRole('button', { name: 'Pay another way' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(fake.callsOf('requestMpesaPayment')).toHaveLength(2));
    const [first, second] = fake.callsOf('requestMpesaPayment');
    expect(second?.payment_id).not.toBe(first?.payment_id);
    await screen.findByText('Waiting for the customer to enter their PIN');
  });

  it('M-Pesa: timed out says the phone could not be reached; "Pay another way" goes back to cash', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    await startMpesa(fake);
    fake.settlePayments({ state: 'expired', result_code: 1037 });
    await screen.findByText('The phone could not be reached');
    fireEvent.click(screen.getByRole('button', { name: 'Pay another way' }));
    expect(screen.getByLabelText('Cash given')).toBeTruthy();
  });

  it('M-Pesa: a failure shows Daraja-code words such as not enough money', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    await startMpesa(fake);
    fake.settlePayments({ state: 'failed', result_code: 1 });
    await screen.findByText('Not enough money in M-Pesa');
  });

  it('Esc while the customer types their PIN does not leave the payment behind', async () => {
    const fake = new FakeTill();
    renderTill({ fake });
    await startMpesa(fake);
    act(() => {
      fireEvent.keyDown(window, { key: 'Escape' });
    });
    expect(await screen.findByText('A payment is waiting: park the sale (F6) or wait for the answer.')).toBeTruthy();
    expect(screen.getByText('Waiting for the customer to enter their PIN')).toBeTruthy();
  });

  it('F6 parks the sale while M-Pesa waits and frees the till for the next customer', async () => {
    const fake = new FakeTill();
    const { cart } = renderTill({ fake });
    await startMpesa(fake);
    act(() => {
      fireEvent.keyDown(window, { key: 'F6' });
    });
    await screen.findByLabelText('Scan or search (F2)');
    const parked = fake.callsOf('parkSale')[0];
    expect(parked?.payment_id).toBe(fake.callsOf('requestMpesaPayment')[0]?.payment_id);
    expect(parked?.lines).toEqual([{ product_id: ids.soap, quantity: 1 }]);
    expect(cart.getState().cart.lines).toHaveLength(0);
    // Not answered yet: resuming is refused, so no second tender can charge the customer twice.
    act(() => {
      fireEvent.keyDown(window, { key: 'F6' });
    });
    const waitingList = await screen.findByRole('dialog', { name: 'Parked sales' });
    fireEvent.click(await within(waitingList).findByRole('button', { name: /Waiting for the customer/ }));
    await within(waitingList).findByText('M-Pesa has not answered for this sale yet. Wait a moment and try again.');
    fireEvent.click(within(waitingList).getByRole('button', { name: 'Cancel (Esc)' }));
    // Paid later: F6 on the empty cart resumes it and completes it as a parked sale.
    fake.settlePayments({ state: 'succeeded', mpesa_receipt: 'NLJ7RT61SV' });
    act(() => {
      fireEvent.keyDown(window, { key: 'F6' });
    });
    const parkedList = await screen.findByRole('dialog', { name: 'Parked sales' });
    fireEvent.click(await within(parkedList).findByRole('button', { name: /KSh 55.00 · 0712 345 678 · Paid/ }));
    await screen.findByTestId('receipt-no');
    expect(fake.callsOf('completeSale')[0]).toMatchObject({ parked: true, sale_id: parked?.sale_id });
  });

  it('a parked sale whose M-Pesa failed comes back into the cart and is paid in cash', async () => {
    const fake = new FakeTill();
    const { cart } = renderTill({ fake });
    await startMpesa(fake);
    act(() => {
      fireEvent.keyDown(window, { key: 'F6' });
    });
    await screen.findByLabelText('Scan or search (F2)');
    fake.settlePayments({ state: 'cancelled', result_code: 1032 });
    act(() => {
      fireEvent.keyDown(window, { key: 'F6' });
    });
    const list = await screen.findByRole('dialog', { name: 'Parked sales' });
    fireEvent.click(await within(list).findByRole('button', { name: /The customer cancelled/ }));
    await screen.findByText('The parked sale is back in the cart: pay it again or another way.');
    expect(cart.getState().cart).toMatchObject({ parked: true, lines: [{ quantity: 1, product: { product_id: ids.soap } }] });
    act(() => {
      fireEvent.keyDown(window, { key: 'F4' });
    });
    typeAndSubmit('Cash given', '55');
    await screen.findByTestId('receipt-no');
    expect(fake.callsOf('completeSale')[0]).toMatchObject({ parked: true, sale_id: fake.callsOf('parkSale')[0]?.sale_id, tenders: [{ kind: 'cash', amount: 5_500 }] });
  });

  it('offline: M-Pesa asks for the code from the SMS and records a claim', async () => {
    const fake = new FakeTill();
    fake.online = false;
    renderTill({ fake });
    await screen.findByText('Offline — sales are saved on this PC');
    await openPay([soap]);
    fireEvent.click(screen.getByRole('tab', { name: 'M-Pesa' }));
    expect(screen.getByText('M-Pesa needs the internet: ask the customer to pay KSh 55.00 to till 123456 and type the code from their SMS.')).toBeTruthy();
    typeAndSubmit('M-Pesa code', 'skl4abcd12');
    await screen.findByTestId('receipt-no');
    expect(fake.callsOf('recordMpesaClaim')[0]).toMatchObject({ code: 'SKL4ABCD12', amount: 5_500 });
    expect(fake.callsOf('completeSale')[0]?.tenders).toEqual([{ kind: 'mpesa', amount: 5_500, claim_code: 'SKL4ABCD12' }]);
  });

  it('when the server cannot reach M-Pesa the request falls back to the typed code', async () => {
    const fake = new FakeTill();
    fake.mpesaUnavailable = true;
    renderTill({ fake });
    await openPay([soap]);
    fireEvent.click(screen.getByRole('tab', { name: 'M-Pesa' }));
    typeAndSubmit('Phone number', '0712345678');
    await screen.findByLabelText('M-Pesa code');
  });

  it('split tenders must add up before the sale can complete', async () => {
    const { fake } = renderTill();
    await openPay([soap, soap]);
    expect(screen.getByTestId('pay-total').textContent).toBe('KSh 110.00');
    typeAndSubmit('Cash given', '50');
    await waitFor(() => expect(screen.getByTestId('remaining').textContent).toBe('KSh 60.00'));
    const complete = screen.getByRole('button', { name: 'Complete sale' }) as HTMLButtonElement;
    expect(complete.disabled).toBe(true);
    fireEvent.click(complete);
    expect(fake.callsOf('completeSale')).toHaveLength(0);
    fireEvent.click(screen.getByRole('tab', { name: 'Cash' }));
    typeAndSubmit('Cash given', '100');
    await screen.findByTestId('receipt-no');
    expect(fake.callsOf('completeSale')[0]?.tenders).toEqual([
      { kind: 'cash', amount: 5_000, tendered: 5_000 },
      { kind: 'cash', amount: 6_000, tendered: 10_000 },
    ]);
    expect(screen.getByTestId('receipt-change').textContent).toBe('KSh 40.00');
  });

  it('credit: shows balance and limit, and over the limit needs a manager', async () => {
    const { fake, cart } = renderTill();
    act(() => {
      cart.getState().dispatch({ type: 'attachCustomer', customer: fake.customers[0]! });
    });
    // Mama Wanjiku owes 4,200 of a 5,000 limit; 16 bars (880.00) go over it.
    await openPay([`16*${soap}`]);
    fireEvent.click(screen.getByRole('tab', { name: 'Credit' }));
    expect(screen.getByText('This goes KSh 80.00 over the customer\'s limit: a manager must approve.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Put KSh 880.00 on credit' }));
    await screen.findByRole('dialog', { name: 'Manager approval' });
    typeAndSubmit('Manager PIN', '9876');
    await screen.findByTestId('receipt-no');
    // A credit receipt names the customer and gives the new balance (issue 17).
    const creditReceipt = await screen.findByRole('article', { name: 'Receipt' });
    await waitFor(() => expect(creditReceipt.textContent).toContain('New credit balance KSh 5,080.00'));
    expect(within(creditReceipt).getByText(/^Customer$/).parentElement?.textContent).toMatch(/^Customer \S/);
  });
});
