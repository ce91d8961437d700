import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { business_id, sessionOf } from '../../testing/fixtures.js';

const owner_id = sessionOf().staff.id;
const checkpoint = {
  checkpoint: { seq: 7, hash: 'a'.repeat(64), signature: 'b'.repeat(128), key_id: 'key-2026', created_at: '2026-11-26T06:15:00.000Z', business_id },
  public_key: 'c'.repeat(64),
  key_id: 'key-2026',
};

function entry(seq: number, kind: string) {
  return { seq, kind, actor: owner_id, subject: `subject-${seq}`, data: {}, occurred_at: '2026-11-26T06:00:00.000Z', prev_hash: 'p'.repeat(64), hash: `${String(seq).padStart(4, '0')}${'h'.repeat(60)}` };
}

function auditServer() {
  const server = new FakeOwnerServer();
  let tampered = false;
  let replayed = false;
  server.on('GET /v1/audit/verify', () => ({
    body: tampered
      ? { ok: false, business_id, head_seq: 9, broken_seq: 2, problem: 'hash_mismatch', message: 'Entry 2 does not hash to its recorded hash' }
      : { ok: true, business_id, head_seq: 9, checkpoints_verified: 1, last_checkpoint_seq: 7 },
  }));
  server.on('GET /v1/audit/checkpoints/latest', checkpoint);
  server.on('GET /v1/staff', { staff: [{ id: owner_id, name: 'Wanjiku Kamau', role: 'owner', email: 'w@duka.example', active: true, has_pin: true, has_password: true, updated_at: '2026-11-26T06:00:00.000Z' }] });
  server.on('GET /v1/audit/entries', (request) => {
    const kind = request.query.get('kind');
    const all = [entry(9, 'setting.changed'), entry(8, 'product.updated'), entry(7, 'product.created')];
    return { body: { entries: kind === null ? all : all.filter((e) => e.kind.startsWith(kind)) } };
  });
  server.on('GET /v1/quarantine', () => ({
    body: {
      events: [
        {
          till_id: '0190a000-0000-7000-8000-0000000000d1',
          seq: 12,
          event_id: '0190a000-0000-7000-8000-0000000000f1',
          type: 'sale.completed',
          reason_code: 'unknown_product',
          reason: 'no such product in this business',
          field: 'lines.0.product_id',
          received_at: '2026-11-26T05:00:00.000Z',
          replayed_at: replayed ? '2026-11-26T06:30:00.000Z' : null,
          envelope: {},
        },
      ],
    },
  }));
  server.on('POST /v1/quarantine/replay', () => {
    replayed = true;
    return { body: { examined: 1, applied: 1, still_quarantined: 0 } };
  });
  return { server, tamper: () => (tampered = true) };
}

describe('Audit', () => {
  it('Verify shows OK with the signed head; after a tampered entry it names the first broken sequence number', async () => {
    const { server, tamper } = auditServer();
    renderOwner({ server, path: '/audit' });
    fireEvent.click(await screen.findByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('OK: all 9 entries check out, and 1 signed checkpoint.')).toBeTruthy();
    const head = screen.getByRole('region', { name: 'Signed head' });
    expect(within(head).getByText('a'.repeat(64))).toBeTruthy();
    expect(within(head).getByText('b'.repeat(128))).toBeTruthy();
    expect(within(head).getByText('key-2026')).toBeTruthy();
    expect(within(head).getByText('26 Nov 2026, 09:15')).toBeTruthy();

    tamper();
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('Altered: the first entry that does not check out is number 2.')).toBeTruthy();
    expect(screen.getByText('Entry 2 does not hash to its recorded hash')).toBeTruthy();
    expect(screen.queryByText(/^OK:/)).toBeNull();
  });

  it('the log shows names for staff and filters by kind on the server; a bad kind is refused on its field', async () => {
    const { server } = auditServer();
    renderOwner({ server, path: '/audit' });
    expect(await screen.findByText('setting.changed')).toBeTruthy();
    expect(screen.getAllByText('Wanjiku Kamau').length).toBe(3);
    expect(server.sent('GET /v1/audit/entries')[0]?.query.get('order')).toBe('newest');

    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'product' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    await waitFor(() => expect(screen.queryByText('setting.changed')).toBeNull());
    expect(await screen.findByText('product.updated')).toBeTruthy();
    expect(server.sent('GET /v1/audit/entries').at(-1)?.query.get('kind')).toBe('product');

    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'DROP TABLE' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(await screen.findByText('Kind: use lowercase letters, _ and . only, like product.updated')).toBeTruthy();
  });

  it('quarantined events show their reason and field; Replay applies them and says how many', async () => {
    const { server } = auditServer();
    renderOwner({ server, path: '/audit' });
    const list = await screen.findByRole('region', { name: 'Quarantined events' });
    expect(await within(list).findByText('lines.0.product_id: no such product in this business')).toBeTruthy();
    expect(within(list).getByText('Waiting')).toBeTruthy();
    fireEvent.click(within(list).getByRole('button', { name: 'Replay quarantined events' }));
    expect(await within(list).findByText('Checked 1: 1 applied, 0 still quarantined.')).toBeTruthy();
    expect(await within(list).findByText('Applied')).toBeTruthy();
    expect(server.sent('POST /v1/quarantine/replay')[0]?.headers['x-csrf-token']).toBe('csrf-token-for-tests');
  });

  it('a manager gets the owner-only page and nothing of the audit is read', async () => {
    const { server } = auditServer();
    renderOwner({ server, path: '/audit', session: sessionOf('manager') });
    expect(await screen.findByRole('heading', { name: 'This page is for the owner' })).toBeTruthy();
    expect(server.sent('GET /v1/audit/entries')).toHaveLength(0);
    expect(server.sent('GET /v1/quarantine')).toHaveLength(0);
  });
});
