/**
 * The process edge of the cashier app: picks the transport (IPC in Electron, HTTP in a browser),
 * loads the till's profile, and hands the real clock, randomness and printer to TillApp.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { cryptoRandom, systemClock } from '@payme/shared';
import { TillApp } from './TillApp.js';
import { createTillClient } from './transport/till-client.js';
import { pickTransport } from './transport/pick-transport.js';
import { loadTillProfile } from './till-profile.js';
import type { PrintHooks } from './app-context.js';
import './styles.css';

async function start() {
  const { transport, kind } = pickTransport(window);
  const till = createTillClient(transport);
  const profile = await loadTillProfile(window, kind);
  const bridge = window.payme;
  const print: PrintHooks = {
    printReceipt: bridge?.printReceipt ?? (() => window.print()),
    printEscPos: bridge?.printEscPos,
  };
  const root = document.getElementById('root');
  if (root === null) throw new Error('till.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <TillApp deps={{ till, clock: systemClock, random: cryptoRandom, profile, print, status_poll_ms: 5_000, payment_poll_ms: 1_500, mpesa_wait_seconds: 60 }} />
    </StrictMode>,
  );
}

void start();
