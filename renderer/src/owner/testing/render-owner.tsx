/** TEST HELPER: the whole owner view on a FakeOwnerServer and a FakeFeed, at a URL. */
import { configure, render } from '@testing-library/react';
import { createMemoryHistory } from '@tanstack/react-router';
import { ManualClock, SeededRandom, type SessionResponse } from '@payme/shared';
import { vi } from 'vitest';
import { createOwnerApi } from '../api/owner-api.js';
import { createOwnerHttp } from '../api/owner-http.js';
import { OwnerApp, createOwnerQueryClient } from '../OwnerApp.js';
import { createSessionStore } from '../state/session-store.js';
import type { Language } from '../../common/language.js';
import { FakeFeed } from './fake-feed.js';
import { FakeOwnerServer } from './fake-server.js';
import { sessionOf } from './fixtures.js';

// jsdom has no scrolling; the router restores scroll positions between pages.
window.scrollTo = () => undefined;

// findBy/waitFor wait up to 5 s instead of 1 s: on a CI machine shared by many runs, a page
// that reads, renders and refetches can take over a second; a passing test waits no longer.
configure({ asyncUtilTimeout: 5_000 });

export interface RenderOwnerOptions {
  server?: FakeOwnerServer;
  /** The session the server answers with; null = signed out (401). */
  session?: SessionResponse | null;
  path?: string;
  language?: Language;
  clock?: ManualClock;
}

export function renderOwner(options: RenderOwnerOptions = {}) {
  const server = options.server ?? new FakeOwnerServer();
  const session = options.session === undefined ? sessionOf() : options.session;
  if (!server.has('GET /v1/auth/session')) {
    server.on('GET /v1/auth/session', () => (session === null ? { status: 401, body: { code: 'unauthenticated', message: 'Sign in first' } } : { body: session }));
  }
  const saved = new Map<string, string>();
  const store = createSessionStore({ load: () => options.language ?? null, save: (language) => void saved.set('language', language) });
  const queryClient = createOwnerQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const http = createOwnerHttp({
    fetch: server.fetch,
    csrfToken: () => store.getState().session?.csrf_token ?? null,
    onSignedOut: (code) => {
      if (store.getState().status !== 'signed_in') return;
      queryClient.clear();
      store.getState().signedOut(code);
    },
  });
  const feed = new FakeFeed();
  const clipboard = { writeText: vi.fn(async (_text: string) => undefined) };
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 10, 26, 9, 30));
  const deps = { api: createOwnerApi(http), feed, clock, random: new SeededRandom(7), clipboard };
  const history = createMemoryHistory({ initialEntries: [options.path ?? '/'] });
  const view = render(<OwnerApp deps={deps} store={store} queryClient={queryClient} history={history} />);
  return { ...view, server, feed, store, queryClient, clipboard, history, clock };
}
