import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppFile } from './app-files.js';
import { checkLoopbackRequest } from './loopback-guard.js';
import { app_entry_url, isAllowedRequestUrl, isTillPageUrl, tillWindowOptions } from './window-options.js';

describe('till window', () => {
  it('isolates the page: context isolation, sandbox, no Node, preload only', () => {
    const options = tillWindowOptions({ preloadPath: '/app/preload.cjs', kiosk: false });
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, webSecurity: true, preload: '/app/preload.cjs' });
    expect(options.kiosk).toBe(false);
    const kiosk = tillWindowOptions({ preloadPath: '/app/preload.cjs', kiosk: true });
    expect(kiosk).toMatchObject({ kiosk: true, fullscreen: true, webPreferences: { devTools: false } });
  });

  it('lets the window show only the till\'s own pages', () => {
    expect(isTillPageUrl(app_entry_url)).toBe(true);
    expect(isTillPageUrl('payme://till/assets/app.js')).toBe(true);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'payme://other/index.html', 'payme://x@till/', 'javascript:alert(1)', 'not a url']) {
      expect(isTillPageUrl(url)).toBe(false);
    }
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html')).toBe(true);
    expect(isAllowedRequestUrl('http://127.0.0.1:8787/healthz')).toBe(false);
  });

  it('maps app URLs to files of the built renderer and never outside it', () => {
    const root = path.resolve('/srv/till');
    expect(resolveAppFile(root, 'payme://till/')).toEqual({ file: path.join(root, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolveAppFile(root, 'payme://till/assets/app-1.js')?.file).toBe(path.join(root, 'assets/app-1.js'));
    expect(resolveAppFile(root, 'payme://till/../../etc/passwd.js')?.file ?? root).toMatch(new RegExp(`^${root}`));
    expect(resolveAppFile(root, 'payme://till/%2e%2e%2f%2e%2e%2fsecret.js')?.file ?? root).toMatch(new RegExp(`^${root}`));
    expect(resolveAppFile(root, 'payme://till/a%5c..%5cb.js')).toBeNull();
    expect(resolveAppFile(root, 'payme://till/%E0%A4%A')).toBeNull();
    expect(resolveAppFile(root, 'payme://till/till.db')).toBeNull();
    expect(resolveAppFile(root, 'https://evil.example/index.html')).toBeNull();
  });
});

describe('loopback guard', () => {
  it('accepts only the loopback authority of its own port, with or without an Origin', () => {
    expect(checkLoopbackRequest({ host: '127.0.0.1:4312' }, 4312)).toEqual({ ok: true });
    expect(checkLoopbackRequest({ host: 'LOCALHOST:4312', origin: 'http://localhost:4312' }, 4312)).toEqual({ ok: true });
    expect(checkLoopbackRequest({ host: '[::1]:4312' }, 4312)).toEqual({ ok: true });
    expect(checkLoopbackRequest({ host: '127.0.0.1:4313' }, 4312)).toMatchObject({ ok: false, code: 'forbidden_host' });
    expect(checkLoopbackRequest({ host: 'rebind.evil.example:4312' }, 4312)).toMatchObject({ ok: false, code: 'forbidden_host' });
    expect(checkLoopbackRequest({}, 4312)).toMatchObject({ ok: false, code: 'forbidden_host' });
    for (const origin of ['null', 'https://127.0.0.1:4312', 'http://127.0.0.1:4312/', 'http://evil.example:4312', 'http://127.0.0.1']) {
      expect(checkLoopbackRequest({ host: '127.0.0.1:4312', origin }, 4312)).toMatchObject({ ok: false, code: 'forbidden_origin' });
    }
  });
});
