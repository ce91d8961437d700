import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { store_id, till_id } from '../../testing/report-fixtures.js';

const product_id = '0190a000-0000-7000-8000-000000000c01';

/** Sugar sold loose, by weight: on hand and the reorder level in grams, as the server keeps them. */
function rowOf(on_hand: number, low: boolean) {
  return { store_id, store_name: 'Duka Kuu', product_id, name: 'Sukari', sku: 'SUK-1', unit: 'gram', on_hand, reorder_level: 10_000, low, active: true, updated_at: null };
}

// Generous: each test walks a page through several reads on a machine CI shares.
describe('Stock', { timeout: 20_000 }, () => {
  it('marks products at their reorder level, filters low ones, and shows a product’s movements', async () => {
    const server = new FakeOwnerServer()
      .on('GET /v1/stores', { stores: [{ id: store_id, name: 'Duka Kuu' }] })
      .on('GET /v1/stock', (request) => ({ body: { items: request.query.get('low') === 'true' ? [rowOf(4_500, true)] : [rowOf(4_500, true), { ...rowOf(30, false), product_id: '0190a000-0000-7000-8000-000000000c02', name: 'Chumvi', unit: 'piece', reorder_level: 10 }], next_cursor: null } }))
      .on('GET /v1/stock/:product_id/movements', {
        product_id,
        movements: [{ event_id: '0190a000-0000-7000-8000-000000000c03', line_no: 1, store_id, till_id, kind: 'sale', delta: -2_000, ref_id: product_id, occurred_at: '2026-11-26T07:00:00.000Z', business_day: '2026-11-26' }],
        next_cursor: null,
      });
    renderOwner({ server, path: '/stock' });
    const sukari = (await screen.findByRole('button', { name: 'Show movements of Sukari' })).closest('tr')!;
    expect(sukari.className).toBe('row-low');
    // In kg as the till shows weight, never the stored grams with the unit's code name.
    const cells = (row: Element) => Object.fromEntries([...row.querySelectorAll('td')].map((cell) => [(cell as HTMLElement).dataset['label'], cell.textContent]));
    expect(cells(sukari)).toMatchObject({ 'On hand': '4.5 kg', 'Reorder at': '10 kg' });
    const chumvi = screen.getByRole('button', { name: 'Show movements of Chumvi' }).closest('tr')!;
    expect(chumvi.className).toBe('');
    expect(cells(chumvi)).toMatchObject({ 'On hand': '30', 'Reorder at': '10' });

    fireEvent.click(screen.getByLabelText('Only products at or below their reorder level'));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Show movements of Chumvi' })).toBeNull());
    expect(server.sent('GET /v1/stock').at(-1)?.query.get('low')).toBe('true');

    fireEvent.click(screen.getByRole('button', { name: 'Show movements of Sukari' }));
    const movements = await screen.findByRole('region', { name: 'Movements of Sukari' });
    expect((await within(movements).findByText('-2 kg')).closest('tr')!.textContent).toContain('Sale');
    expect(server.sent('GET /v1/stock/:product_id/movements')[0]?.query.get('store_id')).toBe(store_id);
  });
});
