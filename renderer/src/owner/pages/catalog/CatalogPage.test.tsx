import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { sessionOf } from '../../testing/fixtures.js';
import { tills_recheck_ms } from './CatalogPage.js';

const sugar: Record<string, unknown> & { id: string; barcode: string } = {
  id: '0190a000-0000-7000-8000-0000000000c1',
  name: 'Sugar 1kg',
  sku: 'SUG-1',
  barcode: '6001',
  price_cents: 17_500,
  cost_cents: 15_000,
  vat_class: 'standard',
  unit: 'piece',
  stock_policy: 'allow_with_override',
  active: true,
  reorder_level: 10,
  updated_at: '2026-11-26T08:00:00.000Z',
};

function catalogServer() {
  const server = new FakeOwnerServer();
  let products: object[] = [sugar];
  server.on('GET /v1/products', () => ({ body: { products } }));
  server.on('POST /v1/products/import', (request) => {
    const rows = (request.body as { rows: Array<{ name: string; price_cents: number; barcode?: string }> }).rows;
    const clash = rows.findIndex((row) => row.barcode === sugar.barcode);
    if (clash >= 0) {
      return { status: 400, body: { code: 'invalid_input', field: 'rows', message: 'row …', errors: [{ row: clash + 1, field: 'barcode', message: 'already belongs to "Sugar 1kg"; use another barcode or leave it empty' }], error_count: 1 } };
    }
    const added = rows.map((row, i) => ({ ...sugar, id: `0190a000-0000-7000-8000-0000000001${String(i).padStart(2, '0')}`, sku: null, barcode: null, name: row.name, price_cents: row.price_cents }));
    products = [...products, ...added];
    return { body: { created: added.length, updated: 0, products: added } };
  });
  return server;
}

function choose(text: string) {
  const input = screen.getByLabelText('CSV file');
  fireEvent.change(input, { target: { files: [new File([text], 'prices.csv', { type: 'text/csv' })] } });
  fireEvent.click(screen.getByRole('button', { name: 'Check and import' }));
}

// Generous: the price-change test waits out a recheck interval on a machine CI shares.
describe('Catalog: CSV import', { timeout: 20_000 }, () => {
  it('a file with bad cells is reported by spreadsheet row and column with what to do, and nothing is sent', async () => {
    const server = catalogServer();
    renderOwner({ server, path: '/catalog' });
    await screen.findByText('Sugar 1kg');
    choose('name,price,cost,colour\nUnga,120.00,,red\n,abc,1x,\n\nChai,"1,050.5",900,\n');
    const report = await screen.findByRole('table', { name: 'Problems in the file' });
    const rows = within(report).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    expect(rows).toEqual([
      ['1', 'colour', '"colour" is not a column we know', expect.stringContaining('Name the columns in the first row')],
      ['3', 'name', 'is empty', "Type the product's name (up to 120 characters)."],
      ['3', 'price', 'is not an amount', 'Type the price in shillings, like 1,234.50.'],
      ['3', 'cost', 'is not an amount', 'Type the cost in shillings, like 1,234.50, or leave it empty.'],
    ]);
    expect(screen.getByText('The file has 4 problems. Nothing was imported: fix them and choose the file again.')).toBeTruthy();
    expect(server.sent('POST /v1/products/import')).toHaveLength(0);
  });

  it("the server's refusal of a row is shown on the spreadsheet's row, and a good file is sent in cents and shows in the list", async () => {
    const server = catalogServer();
    renderOwner({ server, path: '/catalog' });
    await screen.findByText('Sugar 1kg');
    // Row 3 is blank, so the server's row 2 is the spreadsheet's row 4.
    choose('name,price,barcode\nUnga 2kg,215,\n\nCopy,100,6001\n');
    const report = await screen.findByRole('table', { name: 'Problems in the file' });
    expect(within(report).getAllByRole('row')[1]!.textContent).toContain('4barcodealready belongs to "Sugar 1kg"');
    expect(screen.queryByText('Unga 2kg')).toBeNull();

    choose('name,price,cost,reorder_level\nUnga 2kg,"1,215.50",900,5\n');
    expect(await screen.findByText('Imported: 1 new, 0 changed.')).toBeTruthy();
    expect(server.sent('POST /v1/products/import').at(-1)?.body).toEqual({ rows: [{ name: 'Unga 2kg', price_cents: 121_550, cost_cents: 90_000, reorder_level: 5 }] });
    expect(screen.queryByRole('table', { name: 'Problems in the file' })).toBeNull();
    expect(await screen.findByText('KSh 1,215.50')).toBeTruthy();
  });

  it('a price change shows, per till, whether that till has it yet; a manager sees no import and no edit', async () => {
    const server = catalogServer();
    let pulled = false;
    server.on('PATCH /v1/products/:id', (request) => ({ body: { ...sugar, ...(request.body as object) } }));
    server.on('GET /v1/products/:id/tills', () => ({
      body: {
        product_id: sugar.id,
        change_seq: 42,
        changed_at: '2026-11-26T09:00:00.000Z',
        tills: [{ till_id: '0190a000-0000-7000-8000-0000000000d1', name: 'Till 1', store_id: '0190a000-0000-7000-8000-0000000000e1', feed_seq: pulled ? 42 : 40, last_pull_at: '2026-11-26T06:00:00.000Z', has_change: pulled }],
      },
    }));
    const view = renderOwner({ server, path: '/catalog' });
    fireEvent.click(await screen.findByRole('button', { name: 'Change Sugar 1kg' }));
    fireEvent.change(screen.getByLabelText('Price'), { target: { value: '12x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Price: type an amount like 1,234.50')).toBeTruthy();
    expect(server.sent('PATCH /v1/products/:id')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('Price'), { target: { value: '180' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const tills = await screen.findByRole('table', { name: "Which tills have Sugar 1kg's latest price" });
    expect(within(tills).getByText(/Not yet · last synced 26 Nov 2026, 09:00/)).toBeTruthy();
    expect(server.sent('PATCH /v1/products/:id')[0]?.body).toEqual({ name: 'Sugar 1kg', price_cents: 18_000, cost_cents: 15_000, reorder_level: 10 });
    // The till pulls: a pull puts nothing on the live feed, so the open panel asks again by
    // itself and the indicator turns without a reload (and without any feed notice).
    const asked = server.sent('GET /v1/products/:id/tills').length;
    pulled = true;
    await waitFor(() => expect(within(tills).getByText(/^Has it/)).toBeTruthy());
    expect(server.sent('GET /v1/products/:id/tills').length).toBeGreaterThan(asked);
    // Every till has it: no more asking.
    const settled = server.sent('GET /v1/products/:id/tills').length;
    await new Promise((resolve) => setTimeout(resolve, tills_recheck_ms + 500));
    expect(server.sent('GET /v1/products/:id/tills')).toHaveLength(settled);
    view.unmount();

    renderOwner({ server: catalogServer(), path: '/catalog', session: sessionOf('manager') });
    await screen.findByText('Sugar 1kg');
    expect(screen.queryByLabelText('CSV file')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Change Sugar 1kg' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Tills for Sugar 1kg' })).toBeTruthy();
  });

  it('takes and shows the reorder level of a product sold by weight in kg, as the till sells it', async () => {
    const rice = { ...sugar, id: '0190a000-0000-7000-8000-0000000000c9', name: 'Mchele', sku: 'MCH-1', barcode: null, unit: 'gram', price_cents: 16_000, reorder_level: 10_000 };
    const server = new FakeOwnerServer().on('GET /v1/products', { products: [rice] });
    server.on('PATCH /v1/products/:id', (request) => ({ body: { ...rice, ...(request.body as object) } }));
    server.on('GET /v1/products/:id/tills', { product_id: rice.id, change_seq: 1, changed_at: null, tills: [] });
    renderOwner({ server, path: '/catalog' });
    // Stored in grams (10,000 g), shown in kg.
    expect((await screen.findByText('Mchele')).closest('tr')!.textContent).toContain('10 kg');
    fireEvent.click(screen.getByRole('button', { name: 'Change Mchele' }));
    expect((screen.getByLabelText('Reorder level') as HTMLInputElement).value).toBe('10');
    fireEvent.change(screen.getByLabelText('Reorder level'), { target: { value: '2,5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Reorder level: In kilograms, like 2.5, or leave it empty.')).toBeTruthy();
    expect(server.sent('PATCH /v1/products/:id')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('Reorder level'), { target: { value: '2.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(server.sent('PATCH /v1/products/:id')).toHaveLength(1));
    expect(server.sent('PATCH /v1/products/:id')[0]?.body).toMatchObject({ reorder_level: 2_500 });
  });
});
