/**
 * Keyset pages (the server's `next_cursor`) read through TanStack Query's infinite queries: the
 * rows of every page read so far, and a "Show more" button that says while it is loading.
 */
import { keepPreviousData, useInfiniteQuery, type QueryKey, type UseInfiniteQueryResult, type InfiniteData } from '@tanstack/react-query';
import { useT } from '../i18n/i18n.js';

export function useCursorPages<Page extends { next_cursor: string | null }>(queryKey: QueryKey, read: (cursor: string | undefined) => Promise<Page>) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => read(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page) => last.next_cursor ?? undefined,
    // A changed filter keeps the rows shown until the new ones arrive (no blank page between).
    placeholderData: keepPreviousData,
  });
}

export function LoadMore({ query }: { query: UseInfiniteQueryResult<InfiniteData<{ next_cursor: string | null }>> }) {
  const t = useT().reports;
  // Rows of the previous filter stay shown while the new ones load; say so.
  if (query.isPlaceholderData) {
    return (
      <p className="loading" role="status">
        {t.filtering}
      </p>
    );
  }
  if (!query.hasNextPage) return null;
  return (
    <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage} aria-busy={query.isFetchingNextPage}>
      {query.isFetchingNextPage ? t.loading_more : t.load_more}
    </button>
  );
}
