/**
 * The process edge of the owner web view: the real fetch, EventSource, clock, randomness and
 * clipboard. A session the server refuses (expired, signed out elsewhere) clears every cached
 * read and shows the sign-in with the reason.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { cryptoRandom, systemClock } from '@payme/shared';
import { createOwnerApi } from './api/owner-api.js';
import { createOwnerHttp } from './api/owner-http.js';
import { eventSourceFeed } from './live/live-feed.js';
import { OwnerApp, createOwnerQueryClient } from './OwnerApp.js';
import { browserLanguageMemory, createSessionStore } from './state/session-store.js';
import './styles.css';

function start() {
  const store = createSessionStore(browserLanguageMemory(window.localStorage));
  const queryClient = createOwnerQueryClient();
  const http = createOwnerHttp({
    csrfToken: () => store.getState().session?.csrf_token ?? null,
    onSignedOut: (code) => {
      if (store.getState().status !== 'signed_in') return;
      queryClient.clear();
      store.getState().signedOut(code);
    },
  });
  const deps = { api: createOwnerApi(http), feed: eventSourceFeed(), clock: systemClock, random: cryptoRandom, clipboard: navigator.clipboard };
  const root = document.getElementById('root');
  if (root === null) throw new Error('owner.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <OwnerApp deps={deps} store={store} queryClient={queryClient} />
    </StrictMode>,
  );
}

start();
