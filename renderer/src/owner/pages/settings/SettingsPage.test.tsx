import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { sessionOf } from '../../testing/fixtures.js';

const masked = {
  base_url: 'https://sandbox.safaricom.co.ke',
  kind: 'paybill',
  business_shortcode: '600000',
  till_number: null,
  callback_base_url: 'https://shop.example',
  trust_callbacks: false,
  consumer_key: '••••6789',
  consumer_secret: '••••4321',
  passkey: '••••beef',
  initiator_name: null,
  security_credential: null,
};

function settingsServer() {
  const server = new FakeOwnerServer();
  const settings: Record<string, unknown> = { business_name: 'Duka la Mfano', kra_pin: null, vat_registered: true, time_zone: 'Africa/Nairobi', business_day_cutoff: '00:00', alarm_till_silent_minutes: 120, alarm_cash_variance_cents: 10_000 };
  server.on('GET /v1/settings', () => ({ body: { settings } }));
  server.on('PATCH /v1/settings', (request) => {
    const changes = (request.body as { settings: Record<string, unknown> }).settings;
    if (changes.time_zone === 'Africa/Atlantis') return { status: 400, body: { code: 'invalid_input', field: 'time_zone', message: 'time_zone: must be a time zone like Africa/Nairobi' } };
    Object.assign(settings, changes);
    return { body: { settings: changes } };
  });
  server.on('GET /v1/mpesa/account', { ...masked });
  server.on('PUT /v1/mpesa/account', (request) => ({ body: { ...masked, ...(request.body as object), consumer_key: '••••NEW1', consumer_secret: '••••NEW2', passkey: '••••NEW3', initiator_name: null, security_credential: null, till_number: null } }));
  return server;
}

const inputValues = () => [...document.querySelectorAll('input')].map((input) => input.value);

describe('Settings', () => {
  it('M-Pesa secrets are write-only: never shown or filled, typed again to change, emptied once saved', async () => {
    const server = settingsServer();
    renderOwner({ server, path: '/settings' });
    await screen.findByRole('heading', { name: 'M-Pesa account' });
    const key = screen.getByLabelText('Consumer key') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    expect(inputValues().some((value) => value.includes('••••') || value.includes('6789'))).toBe(false);
    expect(document.body.textContent).not.toMatch(/6789|4321|beef/);
    expect(screen.getAllByText('Saved (hidden).')).toHaveLength(3);
    expect(screen.getByLabelText('Shortcode')).toHaveProperty('value', '600000');

    fireEvent.click(screen.getByRole('button', { name: 'Save M-Pesa account' }));
    expect(await screen.findByText('Consumer key: is required')).toBeTruthy();
    expect(screen.getByText('Passkey: is required')).toBeTruthy();
    expect(server.sent('PUT /v1/mpesa/account')).toHaveLength(0);

    fireEvent.change(key, { target: { value: 'typed-consumer-key' } });
    fireEvent.change(screen.getByLabelText('Consumer secret'), { target: { value: 'typed-consumer-secret' } });
    fireEvent.change(screen.getByLabelText('Passkey'), { target: { value: 'typed-passkey' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save M-Pesa account' }));
    expect(await screen.findByText(/The M-Pesa account is saved/)).toBeTruthy();
    expect(server.sent('PUT /v1/mpesa/account')[0]?.body).toEqual({
      base_url: 'https://sandbox.safaricom.co.ke',
      kind: 'paybill',
      business_shortcode: '600000',
      callback_base_url: 'https://shop.example',
      trust_callbacks: false,
      consumer_key: 'typed-consumer-key',
      consumer_secret: 'typed-consumer-secret',
      passkey: 'typed-passkey',
    });
    expect((screen.getByLabelText('Consumer key') as HTMLInputElement).value).toBe('');
    expect(inputValues().some((value) => value.startsWith('typed-') || value.includes('NEW'))).toBe(false);
    expect(document.body.innerHTML).not.toMatch(/typed-|NEW1/);
  });

  it('business settings: a bad value is refused on its field before sending; only the changes are sent, in one request', async () => {
    const server = settingsServer();
    renderOwner({ server, path: '/settings' });
    const pin = await screen.findByLabelText('KRA PIN');
    fireEvent.change(pin, { target: { value: 'P12' } });
    fireEvent.change(screen.getByLabelText('Alarm when cash at shift close is off by more than (KSh)'), { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('KRA PIN: must be a KRA PIN like P051234567X')).toBeTruthy();
    expect(pin.getAttribute('aria-invalid')).toBe('true');
    expect(server.sent('PATCH /v1/settings')).toHaveLength(0);

    fireEvent.change(pin, { target: { value: 'P051234567X' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(server.sent('PATCH /v1/settings')[0]?.body).toEqual({ settings: { kra_pin: 'P051234567X', alarm_cash_variance_cents: 5_000 } });

    // The server's refusal names its field; it is shown there.
    fireEvent.change(screen.getByLabelText('Time zone'), { target: { value: 'Africa/Atlantis' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Time zone: must be a time zone like Africa/Nairobi')).toBeTruthy();
  });

  it('a manager opening Settings by its address is told it is the owner’s, and nothing is read', async () => {
    const server = settingsServer();
    renderOwner({ server, path: '/settings', session: sessionOf('manager') });
    expect(await screen.findByRole('heading', { name: 'This page is for the owner' })).toBeTruthy();
    await waitFor(() => expect(server.sent('GET /v1/auth/session')).toHaveLength(1));
    expect(server.sent('GET /v1/settings')).toHaveLength(0);
    expect(server.sent('GET /v1/mpesa/account')).toHaveLength(0);
    expect(screen.queryByRole('link', { name: 'Settings' })).toBeNull();
  });
});
