/**
 * What every page is handed (STYLE: services are passed in, not imported as singletons): the
 * owner API, the live feed, the clock and randomness (idempotency keys), and the clipboard.
 */
import { createContext, useContext } from 'react';
import type { Clock, Random } from '@payme/shared';
import type { OwnerApi } from './api/owner-api.js';
import type { LiveFeedSource } from './live/live-feed.js';

export interface Clipboard {
  writeText(text: string): Promise<void>;
}

export interface OwnerDeps {
  api: OwnerApi;
  feed: LiveFeedSource;
  clock: Clock;
  random: Random;
  clipboard: Clipboard;
}

export const DepsContext = createContext<OwnerDeps | null>(null);

export function useDeps(): OwnerDeps {
  const deps = useContext(DepsContext);
  if (deps === null) throw new Error('the owner pages need a DepsContext provider (OwnerApp)');
  return deps;
}

export function useApi(): OwnerApi {
  return useDeps().api;
}
