import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { creditBookResponseSchema, type CreditBookRow } from '@payme/shared';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { creditRowOf, statementOf } from '../../testing/report-fixtures.js';

const wanjiru = creditRowOf(1, 'Wanjiru', 450_000, {
  age_days: 95,
  oldest_unpaid_day: '2026-08-23',
  ageing: { days_0_30_cents: 100_000, days_31_60_cents: 150_000, days_61_90_cents: 0, days_91_plus_cents: 200_000 },
});
const kamau = creditRowOf(2, 'Kamau', 600_000, { over_limit: true });

function bookOf(customers: CreditBookRow[], next_cursor: string | null = null) {
  return creditBookResponseSchema.parse({
    today: '2026-11-26',
    totals: { customers: 3, balance_cents: 1_100_000, over_limit: 1, ageing: { days_0_30_cents: 750_000, days_31_60_cents: 150_000, days_61_90_cents: 0, days_91_plus_cents: 200_000 } },
    customers,
    next_cursor,
  });
}

function creditServer() {
  return new FakeOwnerServer().on('GET /v1/credit', (request) => {
    if (request.query.get('cursor') === 'page-2') return { body: bookOf([creditRowOf(3, 'Njeri', 50_000)]) };
    const rows = request.query.get('sort') === 'age' ? [wanjiru, kamau] : [kamau, wanjiru];
    return { body: bookOf(request.query.get('over_limit') === 'true' ? [kamau] : rows, 'page-2') };
  });
}

function rowOf(name: string): HTMLElement {
  return screen.getByRole('link', { name: `Statement of ${name}` }).closest('tr')!;
}

// Generous: each test walks a page through several reads on a machine CI shares.
describe('the credit book', { timeout: 20_000 }, () => {
  it('lists who owes what, split into ageing buckets, sorted by amount or by age, with over-limit flagged', async () => {
    const view = renderOwner({ server: creditServer(), path: '/credit' });
    await screen.findByRole('link', { name: 'Statement of Kamau' });
    const totals = screen.getByRole('region', { name: 'Owed to you' });
    expect(within(totals).getByRole('group', { name: 'Owed to you' }).textContent).toContain('KSh 11,000.00');
    expect(within(totals).getByRole('group', { name: '91+ days' }).textContent).toContain('KSh 2,000.00');

    const names = () => screen.getAllByRole('link', { name: /^Statement of/ }).map((link) => link.textContent);
    expect(names()).toEqual(['Kamau', 'Wanjiru']);
    expect(rowOf('Kamau').textContent).toContain('Over limit');
    const wanjiruRow = rowOf('Wanjiru');
    expect(within(wanjiruRow).getAllByText(/KSh/).map((cell) => cell.textContent)).toEqual(['KSh 4,500.00', 'KSh 1,000.00', 'KSh 1,500.00', 'KSh 0.00', 'KSh 2,000.00']);
    expect(wanjiruRow.textContent).toContain('95 days');
    expect(wanjiruRow.textContent).toContain('0722 111 222');

    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: 'age' } });
    await waitFor(() => expect(names()).toEqual(['Wanjiru', 'Kamau']));
    expect(view.server.sent('GET /v1/credit').at(-1)?.query.get('sort')).toBe('age');

    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(names()).toEqual(['Wanjiru', 'Kamau', 'Njeri']));

    fireEvent.click(screen.getByLabelText('Only customers over their limit'));
    await waitFor(() => expect(names()).toEqual(['Kamau']));
  });

  it("opens a customer's statement with the running balance and copies the reminder in the page's language", async () => {
    const server = creditServer().on('GET /v1/credit/:customer_id', () => ({ body: statementOf(wanjiru) }));
    const view = renderOwner({ server, path: '/credit', language: 'sw' });
    fireEvent.click(await screen.findByRole('link', { name: 'Taarifa ya Wanjiru' }));
    expect(await screen.findByRole('heading', { name: 'Taarifa: Wanjiru' })).toBeTruthy();
    expect(screen.getByText('Mauzo kwa deni T1-000042').closest('tr')!.textContent).toContain('KSh 4,700.00');
    expect(screen.getByText('Malipo').closest('tr')!.textContent).toContain('-KSh 200.00');
    expect(view.server.sent('GET /v1/credit/:customer_id')[0]?.path).toBe(`/v1/credit/${wanjiru.customer_id}`);

    fireEvent.click(screen.getByRole('button', { name: 'Nakili ujumbe wa ukumbusho' }));
    expect(await screen.findByText('Imenakiliwa.')).toBeTruthy();
    expect(view.clipboard.writeText).toHaveBeenCalledWith('Habari Wanjiru, ukumbusho wa kirafiki kutoka Duka la Mfano.');
  });

  it('says so when the clipboard refuses, and a live change to a balance refetches the book', async () => {
    const server = creditServer().on('GET /v1/credit/:customer_id', () => ({ body: statementOf(kamau) }));
    const view = renderOwner({ server, path: `/credit/${kamau.customer_id}` });
    view.clipboard.writeText.mockRejectedValueOnce(new Error('denied'));
    fireEvent.click(await screen.findByRole('button', { name: 'Copy reminder message' }));
    expect(await screen.findByText('Could not copy: select the text and copy it yourself.')).toBeTruthy();
    view.feed.emit({ kind: 'credit_balance', id: kamau.customer_id });
    await waitFor(() => expect(view.server.sent('GET /v1/credit/:customer_id')).toHaveLength(2));
  });
});
