import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mpesaReconciliationResponseSchema } from '@payme/shared';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { reconciliationOf, sale_id, saleListItemOf, unmatched_item_id } from '../../testing/report-fixtures.js';

function mpesaServer() {
  const state = { open: true };
  const server = new FakeOwnerServer()
    .on('GET /v1/reports/mpesa', () => ({ body: mpesaReconciliationResponseSchema.parse(reconciliationOf(state.open)) }))
    // The server finds a sale by its receipt number (upper-cased by the page's schema).
    .on('GET /v1/sales', (request) => ({ body: { sales: request.query.get('receipt_no') === 'T1-000044' ? [saleListItemOf('T1-000044', 50_000, sale_id)] : [], next_cursor: null } }))
    .on('POST /v1/mpesa/unmatched/:item_id/resolve', () => {
      state.open = false;
      return { body: { item_id: unmatched_item_id, resolution: 'matched_to_sale' } };
    });
  return { server, state };
}

// Generous: each test walks a page through several reads on a machine CI shares.
describe('M-Pesa reconciliation', { timeout: 20_000 }, () => {
  it('shows received against expected, the unverified typed codes, and matches an unmatched payment to a sale by its receipt number', async () => {
    const { server } = mpesaServer();
    renderOwner({ server, path: '/mpesa' });
    const received = await screen.findByRole('group', { name: 'Received from M-Pesa' });
    expect(received.textContent).toContain('KSh 1,500.00');
    expect(received.textContent).toContain('2 payments');
    expect(screen.getByRole('group', { name: 'Expected from sales' }).textContent).toContain('KSh 1,000.00');
    expect(screen.getByRole('group', { name: 'Received minus expected' }).textContent).toContain('KSh 500.00');
    expect(within(screen.getByRole('table', { name: 'Codes typed by cashiers, not yet verified' })).getByText('SKQ1W2E3R4').closest('tr')!.textContent).toContain('KSh 300.00');

    const item = screen.getByRole('listitem', { name: 'Payment SKZ9Y8X7W6' });
    fireEvent.click(within(item).getByRole('button', { name: 'Match to a sale' }));
    const receipt = within(item).getByLabelText('Receipt number of the sale');
    fireEvent.click(within(item).getByRole('button', { name: 'Match' }));
    expect(await within(item).findByText('Receipt number of the sale: must be a receipt number like T3-000123')).toBeTruthy();
    expect(receipt.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(receipt, { target: { value: 't1-000099' } });
    fireEvent.click(within(item).getByRole('button', { name: 'Match' }));
    expect(await within(item).findByText('Receipt number of the sale: has no sale with this receipt number; check it on the paper receipt')).toBeTruthy();
    expect(server.sent('POST /v1/mpesa/unmatched/:item_id/resolve')).toHaveLength(0);

    fireEvent.change(receipt, { target: { value: 't1-000044' } });
    fireEvent.click(within(item).getByRole('button', { name: 'Match' }));
    expect(await screen.findByText('Nothing to resolve for this day.')).toBeTruthy();
    const [resolve] = server.sent('POST /v1/mpesa/unmatched/:item_id/resolve');
    expect(resolve?.path).toBe(`/v1/mpesa/unmatched/${unmatched_item_id}/resolve`);
    expect(resolve?.body).toEqual({ resolution: 'matched_to_sale', sale_id });
    expect(resolve?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(resolve?.headers['x-csrf-token']).toBe('csrf-token-for-tests');
    expect(screen.getByText('Every typed code is verified.')).toBeTruthy();
  });

  it('dismisses a payment only with a reason, and a refusal from the server is shown in its words', async () => {
    const { server } = mpesaServer();
    server.on('POST /v1/mpesa/unmatched/:item_id/resolve', () => ({ status: 409, body: { code: 'already_resolved', message: 'This item was already resolved by another person; reload to see how' } }));
    renderOwner({ server, path: '/mpesa' });
    const item = await screen.findByRole('listitem', { name: 'Payment SKZ9Y8X7W6' });
    fireEvent.click(within(item).getByRole('button', { name: 'Dismiss' }));
    fireEvent.click(within(item).getByRole('button', { name: 'Dismiss payment' }));
    expect(await within(item).findByText(/^Why dismiss it: /)).toBeTruthy();
    expect(server.sent('POST /v1/mpesa/unmatched/:item_id/resolve')).toHaveLength(0);
    fireEvent.change(within(item).getByLabelText('Why dismiss it'), { target: { value: 'Test payment by the owner' } });
    fireEvent.click(within(item).getByRole('button', { name: 'Dismiss payment' }));
    expect(await within(item).findByText('This item was already resolved by another person; reload to see how')).toBeTruthy();
    expect(server.sent('POST /v1/mpesa/unmatched/:item_id/resolve')[0]?.body).toEqual({ resolution: 'dismissed', reason: 'Test payment by the owner' });
  });

  it('a resolved item stays in the day\'s queue, says it is resolved and when, and offers nothing more, its open form included', async () => {
    // The real server keeps a resolved item in the day's queue with no actions left (reconciliation.test.ts).
    const day = reconciliationOf(true);
    let queue = day.queue;
    const server = new FakeOwnerServer()
      .on('GET /v1/reports/mpesa', () => ({ body: mpesaReconciliationResponseSchema.parse({ ...day, queue }) }))
      .on('POST /v1/mpesa/unmatched/:item_id/resolve', () => {
        queue = [{ ...day.queue[0]!, resolved_at: '2026-11-26T09:15:00.000Z', resolution: 'dismissed', actions: [] }];
        return { body: { item_id: unmatched_item_id, resolution: 'dismissed' } };
      });
    renderOwner({ server, path: '/mpesa' });
    const item = await screen.findByRole('listitem', { name: 'Payment SKZ9Y8X7W6' });
    expect(within(item).queryByText(/^Resolved/)).toBeNull();
    fireEvent.click(within(item).getByRole('button', { name: 'Dismiss' }));
    fireEvent.change(within(item).getByLabelText('Why dismiss it'), { target: { value: 'Paid for a delivery' } });
    fireEvent.click(within(item).getByRole('button', { name: 'Dismiss payment' }));
    expect(await within(item).findByText(/^Resolved\. 26 Nov 2026, 12:15/)).toBeTruthy();
    expect(within(item).queryByRole('button')).toBeNull();
    expect(within(item).queryByLabelText('Why dismiss it')).toBeNull();
  });

  it('refuses a day that is not a date, naming the field, and asks the server for the day picked', async () => {
    const { server } = mpesaServer();
    renderOwner({ server, path: '/mpesa', language: 'sw' });
    await screen.findByRole('group', { name: 'Imepokelewa kutoka M-Pesa' });
    fireEvent.change(screen.getByLabelText('Siku'), { target: { value: '2026-11-20' } });
    await waitFor(() => expect(server.sent('GET /v1/reports/mpesa').at(-1)?.query.get('day')).toBe('2026-11-20'));
  });
});
