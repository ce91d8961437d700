import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import { summaryResponseSchema } from '@payme/shared';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { summaryOf } from '../../testing/report-fixtures.js';

function serverWithSummary(answer: { current: ReturnType<typeof summaryOf> }) {
  return new FakeOwnerServer()
    .on('GET /v1/reports/summary', () => ({ body: answer.current }))
    .on('GET /v1/alarms', { as_of: '2026-11-26T09:30:00.000Z', alarms: [{ kind: 'till_silent', severity: 'critical', subject_id: null, message: 'Till 1 silent', since: null, count: 1, details: {} }] });
}

// Generous: each test walks a page through several reads on a machine CI shares.
describe('Today', { timeout: 20_000 }, () => {
  it("shows the day's takings by payment type and against last week, and ticks up when a push lands without a reload", async () => {
    const answer = { current: summaryResponseSchema.parse(summaryOf(123_450, 50_000)) };
    const view = renderOwner({ server: serverWithSummary(answer) });
    const takings = await screen.findByRole('group', { name: 'Net takings' });
    expect(takings.textContent).toContain('KSh 1,734.50');
    expect(takings.textContent).toContain('KSh 734.50 more than last week');
    const tenders = screen.getByRole('table', { name: 'By payment type' });
    const cash = within(tenders).getByText('Cash').closest('tr')!;
    expect(cash.textContent).toContain('KSh 1,234.50');
    expect(within(tenders).getByText('M-Pesa').closest('tr')!.textContent).toContain('KSh 500.00');
    // Alarms first, in words: the server's English message is not what the page shows.
    expect(screen.getByText('A till has not synced for a long time.')).toBeTruthy();
    // The chart's figures are in a table too.
    expect(within(screen.getByRole('table', { name: 'Net takings by hour (table)' })).getByText('10:00').closest('tr')!.textContent).toContain('KSh 500.00');
    expect(view.server.sent('GET /v1/reports/summary')[0]?.query.get('by')).toBe('hour');

    // A till pushes a cash sale of KSh 200: the feed says a till's state moved, the page refetches.
    answer.current = summaryOf(143_450, 50_000);
    view.feed.emit({ kind: 'till_state', id: 'till-1' });
    await waitFor(() => expect(screen.getByRole('group', { name: 'Net takings' }).textContent).toContain('KSh 1,934.50'));
    expect(within(screen.getByRole('table', { name: 'By payment type' })).getByText('Cash').closest('tr')!.textContent).toContain('KSh 1,434.50');
    expect(view.server.sent('GET /v1/reports/summary')).toHaveLength(2);
  });

  it('speaks Swahili and says when takings are below last week', async () => {
    renderOwner({ server: serverWithSummary({ current: summaryOf(20_000, 0, 50_000) }), language: 'sw' });
    const takings = await screen.findByRole('group', { name: 'Mapato halisi' });
    expect(takings.textContent).toContain('KSh 300.00 pungufu ya wiki iliyopita');
    expect(screen.getByRole('table', { name: 'Kwa njia ya malipo' })).toBeTruthy();
    expect(screen.getByText('Mashine moja haijasawazisha kwa muda mrefu.')).toBeTruthy();
  });

  it('says what failed and offers to try again when the report cannot be read', async () => {
    const server = serverWithSummary({ current: summaryOf(0, 0) });
    server.on('GET /v1/reports/summary', () => ({ status: 400, body: { code: 'invalid_input', message: 'from: must be a business day like 2026-11-26', field: 'from' } }));
    renderOwner({ server });
    expect(await screen.findByText('from: must be a business day like 2026-11-26')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
