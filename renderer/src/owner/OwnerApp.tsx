/**
 * The owner web view (DESIGN §12): the session check, then the router. Everything it needs is
 * handed in (`OwnerDeps`, the session store), so the component tests run it on a fake server.
 */
import { useEffect, useMemo, useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider, type RouterHistory } from '@tanstack/react-router';
import { isOwnerApiError } from './api/owner-http.js';
import { DepsContext, type OwnerDeps } from './deps.js';
import { LanguageContext } from './i18n/i18n.js';
import { createOwnerRouter } from './routes.js';
import type { SessionStoreApi } from './state/session-store.js';
import { SessionContext, useSession } from './state/use-session.js';

export interface OwnerAppProps {
  deps: OwnerDeps;
  store: SessionStoreApi;
  queryClient: QueryClient;
  history?: RouterHistory;
}

/** Reads stay fresh through the live feed, so a page does not refetch on every focus. */
export function createOwnerQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 60_000,
        refetchOnWindowFocus: false,
        // A refusal (4xx) is an answer, not a hiccup: no retry. A dropped connection retries.
        retry: (failures, error) => failures < 2 && !(isOwnerApiError(error) && error.status >= 400 && error.status < 500),
      },
    },
  });
}

function SessionCheck({ deps, store }: Pick<OwnerAppProps, 'deps' | 'store'>) {
  useEffect(() => {
    deps.api.auth.session().then(
      (session) => store.getState().signedIn(session),
      (error: unknown) => store.getState().signedOut(isOwnerApiError(error) && error.code === 'session_expired' ? 'session_expired' : null),
    );
  }, [deps, store]);
  return null;
}

function WithLanguage({ router }: { router: ReturnType<typeof createOwnerRouter> }) {
  const language = useSession((state) => state.language);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return (
    <LanguageContext.Provider value={language}>
      <RouterProvider router={router} />
    </LanguageContext.Provider>
  );
}

export function OwnerApp({ deps, store, queryClient, history }: OwnerAppProps) {
  const [router] = useState(() => createOwnerRouter(history));
  const checked = useMemo(() => <SessionCheck deps={deps} store={store} />, [deps, store]);
  return (
    <DepsContext.Provider value={deps}>
      <SessionContext.Provider value={store}>
        <QueryClientProvider client={queryClient}>
          {checked}
          <WithLanguage router={router} />
        </QueryClientProvider>
      </SessionContext.Provider>
    </DepsContext.Provider>
  );
}
