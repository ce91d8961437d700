import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';
import { pressKey } from '../../testing/cashier-keys.js';
import { FakeTill } from '../../testing/fake-transport.js';
import { ids } from '../../testing/fake-fixtures.js';

const soap = '6001087011111'; // KSh 55.00, standard VAT
const milk = '6161100422222'; // KSh 62.50, zero-rated

function searchBox() {
  return screen.getByLabelText('Scan or search (F2)') as HTMLInputElement;
}

/** A scanner is a keyboard wedge: the code arrives as typed text, then Enter. */
async function scan(code: string) {
  const box = searchBox();
  fireEvent.change(box, { target: { value: code } });
  fireEvent.keyDown(box, { key: 'Enter' });
  await waitFor(() => expect(box.value).toBe(''));
}

function cartRows() {
  return within(screen.getByRole('table', { name: 'Cart' })).getAllByRole('row').slice(1);
}

describe('the sell screen', () => {
  it('scanning a barcode adds the product with its price and the VAT it includes', async () => {
    renderTill();
    await scan(soap);
    await waitFor(() => expect(cartRows()).toHaveLength(1));
    expect(cartRows()[0]?.textContent).toContain('Sunlight Soap 175g');
    expect(screen.getByTestId('cart-total').textContent).toBe('KSh 55.00');
    // 5,500 × 16/116 = 758.6 → 759 cents
    expect(screen.getByTestId('vat-total').textContent).toBe('KSh 7.59');
  });

  it('with the barcode index a scan asks the till nothing, and a price synced later is on the next scan (issue 17)', async () => {
    const { fake, container } = renderTill({ barcodeIndex: true });
    const indexed = () => container.querySelector('.till')?.getAttribute('data-catalog-change-no');
    await waitFor(() => expect(indexed()).toBe('1'));
    await scan(soap);
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('KSh 55.00'));
    // The owner's new price arrives with a sync; the index reads it within a refresh.
    fake.changeCatalogue((products) => {
      products.find((p) => p.barcode === milk)!.unit_price = 7_000;
    });
    await waitFor(() => expect(indexed()).toBe('2'), { timeout: 5_000 });
    await scan(milk);
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('KSh 125.00'));
    expect(fake.callsOf('lookupBarcode')).toEqual([]);
  });

  it('a second scan of the same item adds one to its quantity instead of a new line', async () => {
    renderTill();
    await scan(soap);
    await waitFor(() => expect(cartRows()).toHaveLength(1));
    await scan(soap);
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('KSh 110.00'));
    expect(cartRows()).toHaveLength(1);
    expect(within(cartRows()[0]!).getByText('2')).toBeTruthy();
  });

  it('a scan typed while the previous barcode is still being looked up keeps all its digits', async () => {
    const { fake } = renderTill();
    // Hold every barcode lookup until the test lets it go, as a busy till program would.
    const held: (() => void)[] = [];
    const call = fake.call.bind(fake);
    fake.call = (async (method, input) => {
      if (method === 'lookupBarcode') await new Promise<void>((resolve) => held.push(resolve));
      return call(method, input);
    }) as typeof fake.call;
    const box = searchBox();
    fireEvent.change(box, { target: { value: soap } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(held).toHaveLength(1));
    // The scanner is already typing the next code when the first lookup answers.
    fireEvent.change(box, { target: { value: milk.slice(0, 4) } });
    await act(async () => held.shift()?.());
    await waitFor(() => expect(cartRows()).toHaveLength(1));
    expect(box.value).toBe(milk.slice(0, 4));
    fireEvent.change(box, { target: { value: milk } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(held).toHaveLength(1));
    await act(async () => held.shift()?.());
    await waitFor(() => expect(cartRows()).toHaveLength(2));
  });

  it('after a mouse click on a button the search box has the focus again, so a scan cannot press it', async () => {
    renderTill();
    const language = screen.getByRole('button', { name: 'Kiswahili' });
    language.focus();
    fireEvent.click(language, { detail: 1 });
    const box = await screen.findByLabelText('Skani au tafuta (F2)');
    await waitFor(() => expect(document.activeElement).toBe(box));
    // A keyboard press (detail 0) leaves the focus where the keyboard put it.
    const english = screen.getByRole('button', { name: 'English' });
    english.focus();
    fireEvent.click(english, { detail: 0 });
    await screen.findByLabelText('Scan or search (F2)');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(document.activeElement).toBe(english);
  });

  it('3* before a scan sets the quantity, typed with the scan or on its own first', async () => {
    const { cart } = renderTill();
    await scan(`3*${soap}`);
    await waitFor(() => expect(cart.getState().cart.lines[0]?.quantity).toBe(3));
    await scan('2*');
    expect(screen.getAllByText('Next item: quantity 2').length).toBeGreaterThan(0);
    await scan(milk);
    await waitFor(() => expect(cart.getState().cart.lines[1]?.quantity).toBe(2));
    // 3 × 55.00 + 2 × 62.50
    expect(screen.getByTestId('cart-total').textContent).toBe('KSh 290.00');
  });

  it('goods sold by weight take the quantity in kg', async () => {
    const { cart } = renderTill();
    await scan('1.25*SUGAR-KG');
    await waitFor(() => expect(cart.getState().cart.lines).toHaveLength(1));
    expect(cart.getState().cart.lines[0]?.quantity).toBe(1250);
    expect(screen.getByText('1.25 kg')).toBeTruthy();
    // 180.00 per kg × 1.25
    expect(screen.getByTestId('cart-total').textContent).toBe('KSh 225.00');
  });

  it('a scale label adds the weighed item with the weight printed on it', async () => {
    const { cart, fake } = renderTill();
    // Sugar is scale item 00123 (catalog code 2000123000008); this label says 1.250 kg.
    await scan('2000123012506');
    await waitFor(() => expect(cart.getState().cart.lines).toHaveLength(1));
    expect(cart.getState().cart.lines[0]).toMatchObject({ quantity: 1_250, product: { name: 'Sugar (loose)' } });
    expect(screen.getByText('1.25 kg')).toBeTruthy();
    expect(screen.getByTestId('cart-total').textContent).toBe('KSh 225.00');
    // A second bag is its own line; the label for it weighs 0.5 kg.
    await scan('2000123005003');
    await waitFor(() => expect(cart.getState().cart.lines.map((line) => line.quantity)).toEqual([1_250, 500]));
    expect(fake.callsOf('lookupBarcode').map((call) => call.barcode)).toContain('2000123000008');
  });

  it('a scale label that did not read correctly, or names no weighed product, adds nothing', async () => {
    const { cart, fake } = renderTill();
    await scan('2000123012507');
    await screen.findByText('The scale label did not read correctly: scan it again.');
    await scan('2099999012505');
    await screen.findByText('No product has scale item code 99999. Ask the manager to add it.');
    // Soap is sold by the piece: a scale label cannot weigh it.
    fake.products.push({ ...fake.products[0]!, product_id: '0190a000-0000-7000-8000-000000000199', barcode: '00101' });
    await scan('2000101005001');
    await screen.findByText('Sunlight Soap 175g is sold by the piece, not by weight: scan its own barcode.');
    expect(cart.getState().cart.lines).toHaveLength(0);
  });

  it('typing a name shows matches; arrow keys and Enter pick one', async () => {
    const { cart } = renderTill();
    const box = searchBox();
    fireEvent.change(box, { target: { value: 'b' } });
    fireEvent.change(box, { target: { value: 'br' } });
    const list = await screen.findByRole('listbox', { name: 'Products found' });
    const options = within(list).getAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual([expect.stringContaining('Brookside Milk'), expect.stringContaining('Festive Bread')]);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(cart.getState().cart.lines[0]?.product.name).toBe('Festive Bread 400g'));
  });

  it('an unknown barcode says so in words and adds nothing', async () => {
    const { cart } = renderTill();
    await scan('9999999999999');
    await screen.findByText('Nothing found for “9999999999999”.');
    expect(cart.getState().cart.lines).toHaveLength(0);
  });

  it('+, - and Del act on the selected line from the empty search box', async () => {
    const { cart } = renderTill();
    await scan(soap);
    await scan(milk);
    await waitFor(() => expect(cart.getState().cart.lines).toHaveLength(2));
    const box = searchBox();
    fireEvent.keyDown(box, { key: '+' });
    fireEvent.keyDown(box, { key: '+' });
    expect(cart.getState().cart.lines[1]?.quantity).toBe(3);
    fireEvent.keyDown(box, { key: '-' });
    expect(cart.getState().cart.lines[1]?.quantity).toBe(2);
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    fireEvent.keyDown(box, { key: 'Delete' });
    expect(cart.getState().cart.lines.map((line) => line.product.name)).toEqual(['Brookside Milk 500ml']);
  });

  it('* opens the quantity editor of the selected line', async () => {
    const { cart } = renderTill();
    await scan(soap);
    await waitFor(() => expect(cart.getState().cart.lines).toHaveLength(1));
    fireEvent.keyDown(searchBox(), { key: '*' });
    const editor = await screen.findByLabelText('Quantity', { selector: 'input' });
    fireEvent.change(editor, { target: { value: '4' } });
    fireEvent.submit(editor.closest('form')!);
    expect(cart.getState().cart.lines[0]?.quantity).toBe(4);
    expect(screen.getByTestId('cart-total').textContent).toBe('KSh 220.00');
  });

  it('a sale discount shows and lowers the total', async () => {
    renderTill();
    await scan(soap);
    await scan(soap);
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('KSh 110.00'));
    fireEvent.click(screen.getByRole('button', { name: 'Sale discount' }));
    const input = screen.getByLabelText('Sale discount (%)');
    fireEvent.change(input, { target: { value: '10' } });
    fireEvent.submit(input.closest('form')!);
    expect(screen.getByTestId('cart-total').textContent).toBe('KSh 99.00');
  });

  it('a quick-item button adds the product and hands the focus back to the search box', async () => {
    const fake = new FakeTill();
    // Quick items are what the till sold lately: none before the first sale.
    const sale_id = '0190a000-0000-7000-8000-00000000aaaa';
    await fake.call('completeSale', { command_id: sale_id, sale_id, lines: [{ product_id: ids.bread, quantity: 1 }], tenders: [{ kind: 'cash', amount: 6_500 }] });
    const { cart } = renderTill({ fake });
    const quick = within(await screen.findByRole('region', { name: 'Quick items' })).getByRole('button', { name: /Festive Bread/ });
    quick.focus();
    fireEvent.click(quick);
    expect(cart.getState().cart.lines.map((line) => line.product.name)).toEqual(['Festive Bread 400g']);
    expect(document.activeElement).toBe(searchBox());
  });

  it('the labels switch to Swahili and the choice is kept for the cashier', async () => {
    const { remembered } = renderTill();
    expect(screen.getByText(/^Total/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Kiswahili' }));
    expect(screen.getByLabelText('Skani au tafuta (F2)')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Lipa (F4)' })).toBeTruthy();
    expect(screen.getByText(/^Jumla/)).toBeTruthy();
    expect(screen.queryByText(/^Total/)).toBeNull();
    expect([...remembered.values()]).toEqual(['sw']);
  });

  it('F1 shows the keys and Esc closes them', async () => {
    renderTill();
    fireEvent.keyDown(window, { key: 'F1' });
    const help = screen.getByRole('dialog', { name: 'Keys' });
    expect(within(help).getByText('Put the cart aside (or park it while M-Pesa waits) / resume a parked sale')).toBeTruthy();
    act(() => {
      fireEvent.keyDown(window, { key: 'Escape' });
    });
    expect(screen.queryByRole('dialog', { name: 'Keys' })).toBeNull();
  });
});

describe('F6 on the sell screen (issue 17)', () => {
  it('puts a cart aside with a confirmation and a parked count, and brings it back as it was', async () => {
    const { cart } = renderTill({ status_poll_ms: 20 });
    await scan('6001087011111');
    await scan('6001087011111');
    const lines = cart.getState().cart.lines;
    expect(lines).toHaveLength(1);
    pressKey('F6');
    expect(await screen.findByText(/Cart put aside \(1 parked\)/)).toBeTruthy();
    expect(cart.getState().cart.lines).toHaveLength(0);
    expect(await within(screen.getByRole('status', { name: 'Till status' })).findByText('1 parked sale (F6)')).toBeTruthy();
    pressKey('F6');
    const list = await screen.findByRole('dialog', { name: 'Parked sales' });
    fireEvent.click(within(list).getByRole('button', { name: /^Held cart: 1 item · KSh 110.00$/ }));
    await waitFor(() => expect(cart.getState().cart.lines).toEqual(lines));
    expect(screen.queryByRole('dialog', { name: 'Parked sales' })).toBeNull();
  });
});
