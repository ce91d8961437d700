/**
 * The till window and what it may load (Electron security checklist): context isolation, the
 * sandbox, no Node in the page, no remote content; the page comes from the app's own
 * `payme://till/` scheme, every navigation elsewhere is blocked and `window.open` is denied.
 * Type-only import: Node tests load this without Electron.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export const app_scheme = 'payme';
export const app_host = 'till';
export const app_origin = `${app_scheme}://${app_host}`;
export const app_entry_url = `${app_origin}/index.html`;

export function tillWindowOptions(options: { preloadPath: string; kiosk: boolean }): BrowserWindowConstructorOptions {
  return {
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 700,
    kiosk: options.kiosk,
    fullscreen: options.kiosk,
    autoHideMenuBar: true,
    show: false,
    backgroundColor: '#ffffff',
    title: 'PayMe till',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !options.kiosk,
    },
  };
}

/** Only the till's own pages: a link or script cannot take the window to the web. */
export function isTillPageUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${app_scheme}:` && parsed.host === app_host && parsed.username === '' && parsed.password === '';
}

/** Requests the session lets through: the app scheme, and DevTools' own pages when it is open. */
export function isAllowedRequestUrl(url: string): boolean {
  return isTillPageUrl(url) || url.startsWith('devtools://');
}
