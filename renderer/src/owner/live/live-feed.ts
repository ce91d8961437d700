/**
 * The live view (DESIGN §12): the server's SSE feed (`GET /v1/feed/stream`) says what changed,
 * by kind and id; the page refetches what it shows. A change never carries the figures a page
 * displays, so a page shows the same numbers whether it was open or reloaded.
 *
 * `LiveFeedSource` is the seam: the browser's EventSource in the app, a hand-driven fake in the
 * component tests (jsdom has no EventSource).
 */
import type { QueryClient } from '@tanstack/react-query';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface FeedNotice {
  kind: string;
  id: string;
}

export interface FeedHandlers {
  change(notice: FeedNotice): void;
  checkpoint(): void;
  status(status: FeedStatus): void;
}

export interface LiveFeedSource {
  /** Opens the stream after `cursor`; returns the function that closes it. */
  open(cursor: string, handlers: FeedHandlers): () => void;
}

type EventSourceLike = Pick<EventSource, 'addEventListener' | 'close' | 'readyState'> & { onopen: ((event: Event) => void) | null; onerror: ((event: Event) => void) | null };

/** The real stream. The browser reconnects by itself, resuming with Last-Event-ID. */
export function eventSourceFeed(create: (url: string) => EventSourceLike = (url) => new EventSource(url)): LiveFeedSource {
  return {
    open(cursor, handlers) {
      handlers.status('connecting');
      const source = create(`/v1/feed/stream?after=${encodeURIComponent(cursor)}`);
      source.onopen = () => handlers.status('live');
      // CLOSED after an error: the server refused the stream (signed out); otherwise it retries.
      source.onerror = () => handlers.status(source.readyState === 2 ? 'closed' : 'reconnecting');
      source.addEventListener('change', (event) => {
        const notice = parseNotice((event as MessageEvent<string>).data);
        if (notice) handlers.change(notice);
      });
      source.addEventListener('checkpoint', () => handlers.checkpoint());
      return () => source.close();
    },
  };
}

function parseNotice(data: string): FeedNotice | null {
  try {
    const value = JSON.parse(data) as { kind?: unknown; id?: unknown };
    return typeof value.kind === 'string' ? { kind: value.kind, id: typeof value.id === 'string' ? value.id : '' } : null;
  } catch {
    return null;
  }
}

/**
 * Which cached reads a change makes stale, by the first element of their query key. A sale
 * reaches the server as a push, which always moves its till's `till_state`: that refreshes the
 * money pages. Unknown kinds refresh the reports, which is never wrong, only a query more.
 */
const stale_by_kind: Readonly<Record<string, readonly string[]>> = {
  product: ['products', 'catalog', 'stock'],
  price: ['products', 'catalog'],
  staff: ['staff'],
  customer: ['customers', 'credit'],
  credit_balance: ['customers', 'credit', 'reports'],
  stock_level: ['stock', 'reports'],
  payment: ['mpesa', 'reports'],
  setting: ['settings', 'session'],
  store: ['stores', 'tills'],
  till: ['tills'],
  till_state: ['tills', 'reports', 'sales', 'credit', 'stock', 'mpesa', 'alarms', 'catalog'],
  till_recovered: ['tills', 'alarms'],
};

export function staleQueriesFor(kind: string): readonly string[] {
  return stale_by_kind[kind] ?? ['reports', 'alarms'];
}

/** Gathers the changes of one burst (a push brings several) into one refetch per query. */
export const invalidate_batch_ms = 100;

export function connectFeedToQueries(queryClient: QueryClient, schedule: (run: () => void, ms: number) => unknown = setTimeout) {
  const pending = new Set<string>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const roots = [...pending];
    pending.clear();
    for (const root of roots) void queryClient.invalidateQueries({ queryKey: [root] });
  };
  const mark = (roots: readonly string[]) => {
    for (const root of roots) pending.add(root);
    if (!scheduled) {
      scheduled = true;
      schedule(flush, invalidate_batch_ms);
    }
  };
  return {
    change: (notice: FeedNotice) => mark(staleQueriesFor(notice.kind)),
    checkpoint: () => mark(['audit']),
    /** After a reconnect the page may have missed changes: everything it shows is refetched. */
    resync: () => void queryClient.invalidateQueries(),
  };
}
