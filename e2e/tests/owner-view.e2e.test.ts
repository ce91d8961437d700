/**
 * The owner web view over real processes (issue 13's acceptance): `payme-server serve` serves
 * the built view at `/`, the till host sells, and Chromium shows what the owner sees. One demo
 * stack serves every scenario in this file, in order (the CI budget: one server, one till).
 * Screenshots of each page at 360 px and 1366 px go to e2e/artifacts/owner-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { chromium_missing, openTillBrowser, warnIfChromiumMissing, type TillBrowser } from '../src/harness/browser.js';
import { collectPageProblems, signIn } from '../src/harness/owner-view.js';

warnIfChromiumMissing('owner-view');

describe.skipIf(chromium_missing)('the owner web view', () => {
  let stack: DemoStack;
  let browser: TillBrowser | undefined;
  let problems: string[] = [];

  beforeAll(async () => {
    stack = await startDemoStack('owner-view');
    browser = await openTillBrowser(`${stack.serverUrl}/`);
    problems = collectPageProblems(browser.page);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the server serves the view at / and deep links, and keeps unknown API routes a JSON 404', async () => {
    const deep = await fetch(`${stack.serverUrl}/sales/anything`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await deep.text()).toContain('<div id="root">');
    const api = await fetch(`${stack.serverUrl}/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'not_found' });
  });

  it('signs in: a wrong password is refused in words, the right one opens Today; logging out says so', async ({ onTestFailed }) => {
    onTestFailed(async () => void (await browser?.screenshot('owner-login-failed')));
    const { page } = browser!;
    await page.getByRole('heading', { name: 'Sign in to your shop' }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Email: must be an email address').waitFor();
    await browser!.screenshotWidths('owner-login');
    await page.getByLabel('Email').fill(stack.logins.owner_email);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong email or password.').waitFor();

    await signIn(page, stack.logins.owner_email, stack.logins.owner_password);
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    await page.getByRole('status', { name: 'Live' }).waitFor();
    // A reload keeps the session (the httpOnly cookie) and the page.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You have logged out.').waitFor();
    await signIn(page, stack.logins.owner_email, stack.logins.owner_password);
    expect(problems).toEqual([]);
  });
});
