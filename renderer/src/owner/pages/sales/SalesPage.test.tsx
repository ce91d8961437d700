import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { saleDetailResponseSchema } from '@payme/shared';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { cashier_id, sale_id, saleListItemOf, till_id } from '../../testing/report-fixtures.js';

const hash = 'a'.repeat(64);

function detailOf() {
  const sale = saleListItemOf('T1-000044', 50_000);
  return saleDetailResponseSchema.parse({
    sale: { ...sale, subtotal_cents: 50_000, rounding_cents: 0, credit_cents: 0, shift_id: null, payment_id: null, close_reason: null, received_at: '2026-11-26T07:39:05.000Z' },
    lines: [
      { line_no: 1, line_id: '0190a000-0000-7000-8000-000000000a01', product_id: '0190a000-0000-7000-8000-000000000a02', name: 'Sukari 1kg', unit: 'piece', quantity: 2, unit_price_cents: 25_000, discount_cents: 0, gross_cents: 50_000, vat_class: 'standard', vat_cents: 6_897, net_cents: 50_000, refunded_quantity: 0 },
      // Sold by weight: 1,250 g at KSh 160.00 a kg; 250 g of it refunded.
      { line_no: 2, line_id: '0190a000-0000-7000-8000-000000000a04', product_id: '0190a000-0000-7000-8000-000000000a05', name: 'Mchele', unit: 'gram', quantity: 1_250, unit_price_cents: 16_000, discount_cents: 0, gross_cents: 20_000, vat_class: 'exempt', vat_cents: 0, net_cents: 20_000, refunded_quantity: 250 },
    ],
    tenders: [{ tender_no: 1, kind: 'mpesa', amount_cents: 50_000, payment_id: null, mpesa_receipt: null, claim_code: 'SKQ1W2E3R4', claim_verified: true }],
    refunds: [],
    events: [{ event_id: '0190a000-0000-7000-8000-000000000a03', till_id, seq: 17, type: 'sale.completed', status: 'applied', actor_id: null, approver_id: null, occurred_at: null, received_at: '2026-11-26T07:39:05.000Z', prev_hash: hash, hash: 'b'.repeat(64) }],
    audit: [],
  });
}

// Generous: each test walks a page through several reads on a machine CI shares.
describe('Sales', { timeout: 20_000 }, () => {
  it('refuses a period that ends before it starts and a bad receipt number, naming the fields, then filters and opens a sale with its proof', async () => {
    const server = new FakeOwnerServer()
      .on('GET /v1/tills', { tills: [] })
      .on('GET /v1/sales', { sales: [saleListItemOf('T1-000044', 50_000)], next_cursor: null })
      .on('GET /v1/sales/:sale_id', () => ({ body: detailOf() }));
    renderOwner({ server, path: '/sales' });
    await screen.findByRole('link', { name: 'Open sale T1-000044' });
    expect(screen.getByRole('link', { name: 'Open sale T1-000044' }).closest('tr')!.textContent).toContain('KSh 500.00');

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-20' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-10' } });
    fireEvent.change(screen.getByLabelText('Receipt number'), { target: { value: '44' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(await screen.findByText('Receipt number: must be a receipt number like T3-000123')).toBeTruthy();
    // The period is checked once every field parses (the schema's cross-field rule).
    fireEvent.change(screen.getByLabelText('Receipt number'), { target: { value: 't1-000044' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(await screen.findByText('To: may not be before from')).toBeTruthy();
    expect(screen.getByLabelText('To').getAttribute('aria-invalid')).toBe('true');
    expect(server.sent('GET /v1/sales')).toHaveLength(1);

    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-26' } });
    fireEvent.change(screen.getByLabelText('Payment type'), { target: { value: 'mpesa' } });
    // The cashiers offered are those of the sales shown (a manager may not read the staff list).
    fireEvent.change(screen.getByLabelText('Cashier'), { target: { value: cashier_id } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    await waitFor(() => expect(server.sent('GET /v1/sales')).toHaveLength(2));
    const asked = server.sent('GET /v1/sales')[1]!.query;
    expect(screen.getByRole('link', { name: 'Download sales (CSV)' }).getAttribute('href')).toBe('/v1/exports/sales.csv?from=2026-11-20&to=2026-11-26');
    expect([asked.get('from'), asked.get('to'), asked.get('receipt_no'), asked.get('tender'), asked.get('cashier_id')]).toEqual(['2026-11-20', '2026-11-26', 'T1-000044', 'mpesa', cashier_id]);

    fireEvent.click(await screen.findByRole('link', { name: 'Open sale T1-000044' }));
    expect(await screen.findByRole('heading', { name: 'Sale T1-000044' })).toBeTruthy();
    const items = within(screen.getByRole('table', { name: 'Items' }));
    expect(items.getByText('Sukari 1kg').closest('tr')!.textContent).toContain('KSh 250.00');
    // Quantities as the till shows them: pieces as a number, weight in kg (never "1250 gram").
    const cells = (name: string) => [...items.getByText(name).closest('tr')!.querySelectorAll('td')].map((cell) => [cell.dataset['label'], cell.textContent]);
    expect(cells('Sukari 1kg')).toContainEqual(['Quantity', '2']);
    expect(cells('Mchele')).toContainEqual(['Quantity', '1.25 kg']);
    expect(cells('Mchele')).toContainEqual(['Refunded', '0.25 kg']);
    expect(within(screen.getByRole('table', { name: 'Payments' })).getByText('SKQ1W2E3R4 · Verified')).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Till records behind this sale' })).getByText('b'.repeat(64))).toBeTruthy();
    expect(server.sent('GET /v1/sales/:sale_id')[0]?.path).toBe(`/v1/sales/${sale_id}`);
  });
});
