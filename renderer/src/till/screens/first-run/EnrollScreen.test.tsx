import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';
import { FakeTill } from '../../testing/fake-transport.js';

function fill(values: { server?: string; code?: string; name?: string }) {
  if (values.server !== undefined) fireEvent.change(screen.getByLabelText('Server address'), { target: { value: values.server } });
  if (values.code !== undefined) fireEvent.change(screen.getByLabelText('Enrollment code'), { target: { value: values.code } });
  if (values.name !== undefined) fireEvent.change(screen.getByLabelText('Till name'), { target: { value: values.name } });
  fireEvent.submit(screen.getByLabelText('Enrollment code').closest('form')!);
}

describe('first-run enrollment', () => {
  it('asks an unenrolled till for the server address, the code and a prefilled name, then waits for the staff and logs in', async () => {
    const fake = new FakeTill({ enrolled: false, serverUrlHint: 'http://127.0.0.1:8787' });
    renderTill({ fake, loggedIn: false, askProfile: true });
    await screen.findByRole('heading', { name: 'Set up this till' });
    expect((screen.getByLabelText('Server address') as HTMLInputElement).value).toBe('http://127.0.0.1:8787');
    expect((screen.getByLabelText('Till name') as HTMLInputElement).value).toBe('Till 1');
    expect(screen.getAllByRole('textbox').length + screen.queryAllByLabelText(/url/i).length).toBeLessThanOrEqual(3);

    fill({ code: ' ABCD-EFGH-JKMN ' });
    expect((await screen.findByRole('status')).textContent).toBe('Getting staff from the server…');
    expect(fake.callsOf('enroll')).toEqual([{ server_url: 'http://127.0.0.1:8787', code: ' ABCD-EFGH-JKMN ', name: 'Till 1' }]);
    expect(fake.profile).toMatchObject({ enrolled: true, till_label: 'Till 1 (T1)' });
    const asked = fake.callsOf('tillProfile').length;
    // The staff come with the sync agent's first pull; the screen keeps asking until they do.
    await waitFor(() => expect(fake.callsOf('tillProfile').length).toBeGreaterThan(asked + 1));
    expect(screen.queryByLabelText('PIN')).toBeNull();
    fake.deliverStaff();
    await screen.findByRole('heading', { name: 'Log in' });
    expect(screen.getByText('Duka la Mama · Till 1 (T1)')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('PIN'), { target: { value: '1234' } });
    fireEvent.submit(screen.getByLabelText('PIN').closest('form')!);
    await screen.findByLabelText('Scan or search (F2)');
  });

  it('names the field in plain words and puts the cursor there', async () => {
    const fake = new FakeTill({ enrolled: false });
    renderTill({ fake, loggedIn: false, askProfile: true });
    await screen.findByRole('heading', { name: 'Set up this till' });

    fill({ server: 'ftp://duka', code: 'ABCD-EFGH-JKMN' });
    expect((await screen.findByRole('alert')).textContent).toBe('Server address: type the address the owner gave you, starting with http:// or https://.');
    expect(document.activeElement).toBe(screen.getByLabelText('Server address'));
    expect(screen.getByLabelText('Server address').getAttribute('aria-invalid')).toBe('true');

    fake.serverReachable = false;
    fill({ server: 'http://10.0.0.9:8787' });
    expect((await screen.findByText(/the server could not be reached/)).textContent).toBe('Server address: the server could not be reached. Check the address and the network.');

    fake.serverReachable = true;
    fill({ code: 'WRONG-CODE' });
    expect((await screen.findByText(/Enrollment code:/)).textContent).toContain('Ask the owner for a new one');
    expect(document.activeElement).toBe(screen.getByLabelText('Enrollment code'));

    fill({ code: 'ABCD-EFGH-JKMN', name: '   ' });
    expect((await screen.findByText(/Till name:/)).textContent).toBe('Till name: type a name for this till, up to 120 characters.');
    expect(fake.profile.enrolled).toBe(false);
  });

  it('speaks Swahili when asked', async () => {
    renderTill({ fake: new FakeTill({ enrolled: false }), loggedIn: false, askProfile: true });
    await screen.findByRole('heading', { name: 'Set up this till' });
    fireEvent.click(screen.getByRole('button', { name: 'Kiswahili' }));
    await screen.findByRole('heading', { name: 'Andaa till hii' });
    expect(screen.getByLabelText('Msimbo wa usajili')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Unganisha till hii' })).toBeTruthy();
  });

  it('an enrolled till with its staff goes straight to the login screen', async () => {
    const fake = new FakeTill();
    renderTill({ fake, loggedIn: false, askProfile: true });
    await screen.findByRole('heading', { name: 'Log in' });
    expect(screen.queryByRole('heading', { name: 'Set up this till' })).toBeNull();
    // With the staff known it stops asking.
    const asked = fake.callsOf('tillProfile').length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(fake.callsOf('tillProfile')).toHaveLength(asked);
  });
});
