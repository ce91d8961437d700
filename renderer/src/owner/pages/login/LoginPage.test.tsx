import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderOwner } from '../../testing/render-owner.js';
import { FakeOwnerServer } from '../../testing/fake-server.js';
import { sessionOf } from '../../testing/fixtures.js';

describe('signing in to the owner view', () => {
  it('refuses bad values naming the field, then signs in and opens the page that was asked for', async () => {
    const server = new FakeOwnerServer();
    let signedIn = false;
    server.on('GET /v1/auth/session', () => (signedIn ? { body: sessionOf() } : { status: 401, body: { code: 'unauthenticated', message: 'Sign in first' } }));
    server.on('POST /v1/auth/login', (request) => {
      const body = request.body as { password: string };
      if (body.password !== 'right-password') return { status: 401, body: { code: 'invalid_credentials', message: 'Wrong email or password' } };
      signedIn = true;
      return { body: { token: 'pms_x', csrf_token: 'csrf', expires_at: '2026-11-26T18:00:00.000Z', business_id: sessionOf().business_id, staff: sessionOf().staff } };
    });
    renderOwner({ server, path: '/password' });
    await screen.findByRole('heading', { name: 'Sign in to your shop' });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Email: must be an email address')).toBeTruthy();
    expect(screen.getByText('Password: may not be empty')).toBeTruthy();
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(server.sent('POST /v1/auth/login')).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('Email'), { target: { value: ' owner@duka.example ' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Wrong email or password.')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'right-password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    // The deep link the owner opened signed out is the page they land on.
    expect(await screen.findByRole('heading', { name: 'Change your password' })).toBeTruthy();
    expect(server.sent('POST /v1/auth/login').at(-1)?.body).toEqual({ email: 'owner@duka.example', password: 'right-password' });
  });

  it("says how long an account must wait after too many wrong passwords, from the server's answer", async () => {
    const server = new FakeOwnerServer();
    server.on('GET /v1/auth/session', () => ({ status: 401, body: { code: 'unauthenticated', message: 'Sign in first' } }));
    server.on('POST /v1/auth/login', () => ({ status: 429, body: { code: 'login_throttled', message: 'Too many wrong passwords for this account; try again in 8 minutes', retry_after_seconds: 480 } }));
    renderOwner({ server });
    await screen.findByRole('heading', { name: 'Sign in to your shop' });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'owner@duka.example' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a-guess' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Too many wrong passwords for this account. Wait 8 minutes and try again.')).toBeTruthy();
  });

  it('a session the server refuses mid-use shows the sign-in with the reason, and forgets the data', async () => {
    const server = new FakeOwnerServer();
    const view = renderOwner({ server });
    await screen.findByRole('heading', { name: 'Today' });
    server.on('POST /v1/auth/password', () => ({ status: 401, body: { code: 'session_expired', message: 'The session has expired; sign in again' } }));
    await view.history.push('/password');
    await screen.findByRole('heading', { name: 'Change your password' });
    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'old-password-1' } });
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'new-password-22' } });
    fireEvent.change(screen.getByLabelText('New password again'), { target: { value: 'new-password-22' } });
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Your session has expired. Sign in again.')).toBeTruthy();
    expect(view.store.getState().session).toBeNull();
  });

  it('changing the password checks the repeat and the length before sending, and sends the CSRF token', async () => {
    const server = new FakeOwnerServer();
    server.on('POST /v1/auth/password', { changed: true });
    renderOwner({ server, path: '/password' });
    await screen.findByRole('heading', { name: 'Change your password' });
    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'old-password-1' } });
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'short' } });
    fireEvent.change(screen.getByLabelText('New password again'), { target: { value: 'other' } });
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('New password: must be at least 10 characters')).toBeTruthy();
    expect(screen.getByText('New password again: does not match the new password')).toBeTruthy();
    expect(server.sent('POST /v1/auth/password')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'new-password-22' } });
    fireEvent.change(screen.getByLabelText('New password again'), { target: { value: 'new-password-22' } });
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    await screen.findByText(/Your password is changed/);
    const sent = server.sent('POST /v1/auth/password')[0]!;
    expect(sent.headers['x-csrf-token']).toBe('csrf-token-for-tests');
    expect(sent.body).toEqual({ current_password: 'old-password-1', new_password: 'new-password-22' });
  });

  it('speaks Swahili when the manager picks it', async () => {
    renderOwner({ session: sessionOf('manager') });
    await screen.findByRole('heading', { name: 'Today' });
    fireEvent.change(screen.getAllByLabelText('Language')[0]!, { target: { value: 'sw' } });
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Leo'));
    expect(screen.getByRole('button', { name: 'Toka' })).toBeTruthy();
  });
});
