import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { sessionOf } from '../../testing/fixtures.js';

const akinyi = { id: '0190a000-0000-7000-8000-0000000000a1', name: 'Akinyi', role: 'cashier', email: null, active: true, has_pin: false, has_password: false, updated_at: '2026-11-26T06:00:00.000Z' };

function staffServer() {
  const server = new FakeOwnerServer();
  const staff: object[] = [akinyi];
  server.on('GET /v1/staff', () => ({ body: { staff } }));
  server.on('POST /v1/staff', (request) => {
    const body = request.body as { name: string; role: string; email?: string };
    const member = { ...akinyi, id: '0190a000-0000-7000-8000-0000000000a2', name: body.name, role: body.role, email: body.email ?? null, has_pin: true };
    staff.push(member);
    return { status: 201, body: member };
  });
  server.on('PUT /v1/staff/:id/pin', () => ({ body: { ...akinyi, has_pin: true } }));
  return server;
}

describe('Staff and PINs', () => {
  it('refuses a cashier without a PIN and a manager without an email on their fields; adds a cashier; sets a PIN without showing it', async () => {
    const server = staffServer();
    renderOwner({ server, path: '/staff' });
    await screen.findByText('Akinyi');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Baraka' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add staff member' }));
    expect(await screen.findByText('PIN: a cashier needs a PIN to sign in at the till')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'manager' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add staff member' }));
    expect(await screen.findByText('Email (to sign in here): owners and managers need an email to sign in')).toBeTruthy();
    expect(server.sent('POST /v1/staff')).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'cashier' } });
    fireEvent.change(screen.getByLabelText('PIN'), { target: { value: '4821' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add staff member' }));
    expect(await screen.findByText('Baraka is added. The tills get them at their next sync.')).toBeTruthy();
    expect(server.sent('POST /v1/staff')[0]?.body).toEqual({ name: 'Baraka', role: 'cashier', pin: '4821' });
    expect(await screen.findByText('Baraka')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Set a PIN for Akinyi' }));
    const pin = screen.getByLabelText('New PIN') as HTMLInputElement;
    expect(pin.type).toBe('password');
    fireEvent.change(pin, { target: { value: '12' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('New PIN: must be 4 to 6 digits')).toBeTruthy();
    fireEvent.change(pin, { target: { value: '7777' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText("Akinyi's PIN is set. The tills get it at their next sync.")).toBeTruthy();
    expect(server.sent('PUT /v1/staff/:id/pin')[0]?.body).toEqual({ pin: '7777' });
    expect(document.body.textContent).not.toContain('7777');
  });

  it('a manager gets the owner-only page and the staff list is not read', async () => {
    const server = staffServer();
    renderOwner({ server, path: '/staff', session: sessionOf('manager') });
    expect(await screen.findByRole('heading', { name: 'This page is for the owner' })).toBeTruthy();
    expect(server.sent('GET /v1/staff')).toHaveLength(0);
  });
});
