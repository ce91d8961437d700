/**
 * Electron main, kept thin (DESIGN §9): window and IPC plumbing only. Everything with a decision
 * in it (options, CSP, navigation policy, the quit warning, file mapping, dispatch) lives in
 * src/host/ and is covered by Node tests; this file typechecks against Electron's types and
 * cannot run without the Electron runtime.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { resolveAppFile } from '../host/app-files.js';
import { tillSecurityHeaders, withTillHeaders } from '../host/csp.js';
import { wireIpcHandlers } from '../host/ipc-handlers.js';
import { parseMainOptions, receiptPrintOptions } from '../host/main-options.js';
import type { EscPosTarget } from '../host/escpos-printer.js';
import { createQuitGuard } from '../host/quit-guard.js';
import { default_renderer_dir } from '../host/renderer-files.js';
import { sealStoredToken, useTokenSealer } from '../host/device-file.js';
import { safeStorageSealer } from '../host/safe-storage-sealer.js';
import { openTillHost, type TillHost } from '../host/till-host.js';
import { startTillSync, type TillSync } from '../host/till-sync.js';
import { startTillBackups } from '../backup/till-backups.js';
import { app_entry_url, app_scheme, isAllowedRequestUrl, isTillPageUrl, tillWindowOptions } from '../host/window-options.js';
import { startTillUpdates } from '../update/updater.electron.js';

// Must happen before `ready`: the app's own scheme behaves like https (an origin, fetch, CSP 'self').
protocol.registerSchemesAsPrivileged([{ scheme: app_scheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let window: BrowserWindow | null = null;

function fromTillPage(event: IpcMainInvokeEvent): boolean {
  return event.senderFrame !== null && isTillPageUrl(event.senderFrame.url);
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
  ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withTillHeaders(details.responseHeaders) }));
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

function serveAppFiles(rendererDir: string): void {
  protocol.handle(app_scheme, async (request) => {
    const found = resolveAppFile(rendererDir, request.url);
    if (found === null) return new Response('Not found', { status: 404 });
    try {
      return new Response(await readFile(found.file), { headers: { 'content-type': found.contentType, ...tillSecurityHeaders() } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

function wireIpc(host: TillHost, options: { printer: string | null; escpos: EscPosTarget | null }): void {
  const printPage = (sender: WebContents) =>
    new Promise<void>((resolve, reject) => {
      sender.print(receiptPrintOptions(options.printer), (success, reason) => (success ? resolve() : reject(new Error(reason))));
    });
  wireIpcHandlers(
    { handle: (channel, handler) => ipcMain.handle(channel, (event, ...args) => handler({ fromTillPage: fromTillPage(event), printPage: () => printPage(event.sender) }, ...args)) },
    { host, escpos: options.escpos },
  );
}

async function start(): Promise<void> {
  const options = parseMainOptions(process.argv, process.env, {
    data_dir: path.join(app.getPath('userData'), 'till'),
    // An installed till ships the cashier app beside main (npm run dist); a dev run uses the repository's build.
    renderer_dir: process.env.PAYME_TILL_RENDERER ?? (app.isPackaged ? path.join(import.meta.dirname, 'renderer') : default_renderer_dir),
  });
  // The device token is sealed with the OS keyring where there is one (after ready: Linux asks the keyring then).
  const tokens = safeStorageSealer(safeStorage, process.platform);
  useTokenSealer(tokens.sealer);
  console.log(`payme-till: device token ${tokens.sealer === null ? `kept in clear in a file only this user can read: ${tokens.reason}` : tokens.reason}`);
  if (sealStoredToken(options.data_dir)) console.log('payme-till: the device token kept in clear is now sealed');
  const host = openTillHost(options.data_dir, {
    onInternalError: (method, error) => console.error(`till ${method} failed`, error),
    ...(options.paper_mm === null ? {} : { paperMm: options.paper_mm }),
  });
  const sync: TillSync = startTillSync(host, { appVersion: app.getVersion() });
  const backups = startTillBackups(host, { log: (line) => console.log(line) });
  lockDownSession();
  serveAppFiles(options.renderer_dir);
  wireIpc(host, options);

  const guard = createQuitGuard({
    unsyncedCount: () => host.unsyncedCount(),
    ask: async (warning) => (window === null ? dialog.showMessageBox(warning) : dialog.showMessageBox(window, warning)).then((answer) => answer.response),
    quit: () => app.quit(),
  });
  // Updates only in an installed till (electron-updater reads the app-update.yml electron-builder wrote).
  const updates = app.isPackaged
    ? startTillUpdates({ mainDir: import.meta.dirname, dataDir: options.data_dir, version: app.getVersion(), activity: () => host.activity(), log: (line) => console.log(line) })
    : null;
  // Installing an update quits through here too: its restart needs no unsynced-changes question.
  const onQuit = (event: { preventDefault(): void; readonly defaultPrevented: boolean }) => {
    if (updates?.controller.status().phase === 'installing') return;
    guard(event);
    if (!event.defaultPrevented) updates?.controller.onQuit();
  };
  app.on('before-quit', onQuit);
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void Promise.allSettled([sync.stop(), backups.stop()])
      .finally(() => {
        closed = true;
        updates?.stop();
        host.close();
        app.quit();
      });
  });

  window = new BrowserWindow(tillWindowOptions({ preloadPath: path.join(import.meta.dirname, 'preload.cjs'), kiosk: options.kiosk }));
  window.on('close', onQuit);
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => {
    window = null;
  });
  await window.loadURL(app_entry_url);
}

if (!app.requestSingleInstanceLock()) {
  // Two tills on one ledger file would race for receipt numbers: the second start focuses the first.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (navigation) => {
      if (!isTillPageUrl(navigation.url)) navigation.preventDefault();
    });
    contents.on('will-redirect', (navigation) => {
      if (!isTillPageUrl(navigation.url)) navigation.preventDefault();
    });
    contents.on('will-attach-webview', (attach) => attach.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('window-all-closed', () => app.quit());
  app.whenReady().then(start).catch((error: unknown) => {
    dialog.showErrorBox('PayMe till could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}
