import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { sessionOf } from '../../testing/fixtures.js';

const mama = { id: '0190a000-0000-7000-8000-0000000000b1', name: 'Mama Mboga', phone: '254722111222', credit_limit_cents: 500_000, active: true, updated_at: '2026-11-26T06:00:00.000Z' };

function customersServer() {
  const server = new FakeOwnerServer();
  server.on('GET /v1/customers', { customers: [mama] });
  server.on('PATCH /v1/customers/:id', (request) => ({ body: { ...mama, ...(request.body as object) } }));
  return server;
}

describe('Customers and credit limits', () => {
  it('shows phones the Kenyan way and limits in KSh; a change is sent as 2547… and cents, a bad phone refused on its field', async () => {
    const server = customersServer();
    renderOwner({ server, path: '/customers' });
    expect(await screen.findByText('0722 111 222')).toBeTruthy();
    expect(screen.getByText('KSh 5,000.00')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Change Mama Mboga' }));
    const form = screen.getByRole('form', { name: 'Change Mama Mboga' });
    const phone = form.querySelector('input[type="tel"]') as HTMLInputElement;
    expect(phone.value).toBe('0722 111 222');
    fireEvent.change(phone, { target: { value: '0622 1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Phone: must be a phone number like 254712345678')).toBeTruthy();
    expect(server.sent('PATCH /v1/customers/:id')).toHaveLength(0);
    fireEvent.change(phone, { target: { value: '+254 733 444 555' } });
    fireEvent.change(screen.getAllByLabelText('Credit limit').at(-1)!, { target: { value: '7,500' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Mama Mboga is saved. The tills get the change at their next sync.')).toBeTruthy();
    expect(server.sent('PATCH /v1/customers/:id')[0]?.body).toEqual({ name: 'Mama Mboga', phone: '254733444555', credit_limit_cents: 750_000 });
  });

  it('a manager reads the customers but gets no form and no edit', async () => {
    renderOwner({ server: customersServer(), path: '/customers', session: sessionOf('manager') });
    expect(await screen.findByText('Mama Mboga')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Change Mama Mboga' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add customer' })).toBeNull();
  });
});
