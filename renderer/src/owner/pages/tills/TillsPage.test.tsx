import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { TillRow } from '@payme/shared';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { sessionOf } from '../../testing/fixtures.js';
import { store_id, till_id } from '../../testing/report-fixtures.js';

function tillOf(retired_at: string | null): TillRow {
  return {
    id: till_id, store_id, name: 'Till 1', receipt_prefix: 'T1', epoch: 1, acked_seq: 40, fenced: false, retired_at,
    created_at: '2026-11-01T06:00:00.000Z', last_push_at: '2026-11-26T09:00:00.000Z', last_pull_at: null,
    outbox_depth: 3, outbox_reported_at: '2026-11-26T09:00:00.000Z', app_version: '1.4.2', feed_seq: 41, alarms: ['till_silent'],
  };
}

function tillsServer() {
  const state = { retired: null as string | null };
  return new FakeOwnerServer()
    .on('GET /v1/tills', () => ({ body: { tills: [tillOf(state.retired)] } }))
    .on('GET /v1/stores', { stores: [{ id: store_id, name: 'Duka Kuu' }] })
    .on('GET /v1/enrollment-codes', { codes: [] })
    .on('POST /v1/enrollment-codes', { code_id: '0190a000-0000-7000-8000-000000000b01', code: 'K7P4-Q2M9', store_id, expires_at: '2026-11-26T10:30:00.000Z' })
    .on('POST /v1/tills/:id/retire', () => {
      state.retired = '2026-11-26T09:31:00.000Z';
      return { body: tillOf(state.retired) };
    });
}

// Generous: each test walks a page through several reads on a machine CI shares.
describe('Tills', { timeout: 20_000 }, () => {
  it("shows each till's sync state, retires one only with a reason, and creates an enrollment code shown once", async () => {
    const server = tillsServer();
    renderOwner({ server, path: '/tills' });
    const row = (await screen.findByText('Till 1')).closest('tr')!;
    expect(row.textContent).toContain('1.4.2');
    expect(row.textContent).toContain('Silent');
    expect(row.textContent).toContain('never');
    expect(await within(row).findByText('Duka Kuu')).toBeTruthy();

    fireEvent.click(within(row).getByRole('button', { name: 'Retire Till 1' }));
    fireEvent.click(within(row).getByRole('button', { name: 'Retire till' }));
    expect(await within(row).findByText(/^Why retire this till: /)).toBeTruthy();
    expect(server.sent('POST /v1/tills/:id/retire')).toHaveLength(0);
    fireEvent.change(within(row).getByLabelText('Why retire this till'), { target: { value: 'Stolen' } });
    fireEvent.click(within(row).getByRole('button', { name: 'Retire till' }));
    expect(await screen.findByText(/^Retired /)).toBeTruthy();
    expect(server.sent('POST /v1/tills/:id/retire')[0]?.body).toEqual({ reason: 'Stolen' });

    fireEvent.click(screen.getByRole('button', { name: 'Create code' }));
    expect(await screen.findByText('New code: K7P4-Q2M9')).toBeTruthy();
    expect(server.sent('POST /v1/enrollment-codes')[0]?.body).toEqual({ store_id });
  });

  it('gives a manager the list without retire or enrollment codes', async () => {
    const server = tillsServer();
    renderOwner({ server, path: '/tills', session: sessionOf('manager') });
    const row = (await screen.findByText('Till 1')).closest('tr')!;
    expect(row.textContent).toContain('In use');
    expect(screen.queryByRole('button', { name: 'Retire Till 1' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Enrollment codes' })).toBeNull();
    await waitFor(() => expect(server.sent('GET /v1/enrollment-codes')).toHaveLength(0));
  });
});
