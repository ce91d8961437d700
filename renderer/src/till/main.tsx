/**
 * The process edge of the cashier app: picks the transport (IPC in Electron, HTTP in a browser)
 * and hands the real clock, randomness and printer to TillApp, which asks the till for its
 * profile (`tillProfile`) itself.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { cryptoRandom, systemClock } from '@payme/shared';
import { TillApp } from './TillApp.js';
import { createTillClient } from './transport/till-client.js';
import { pickTransport } from './transport/pick-transport.js';
import { createIpcPrintHooks } from './transport/transport.ipc.js';
import type { PrintHooks } from './app-context.js';
import './styles.css';

function start() {
  const { transport } = pickTransport(window);
  const till = createTillClient(transport);
  // In Electron the preload prints (silently, ESC/POS with the drawer kick); a browser opens its print dialog.
  const print: PrintHooks = window.payme !== undefined ? createIpcPrintHooks(window.payme) : { printReceipt: () => window.print() };
  const root = document.getElementById('root');
  if (root === null) throw new Error('till.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <TillApp deps={{ till, clock: systemClock, random: cryptoRandom, print, profile_poll_ms: 2_000, status_poll_ms: 5_000, payment_poll_ms: 1_500, mpesa_wait_seconds: 60 }} />
    </StrictMode>,
  );
}

start();
