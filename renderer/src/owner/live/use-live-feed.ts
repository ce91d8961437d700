/** Keeps the signed-in shell on the live feed, and says how live it is. */
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useDeps } from '../deps.js';
import { connectFeedToQueries, type FeedStatus } from './live-feed.js';

export function useLiveFeed(cursor: string): FeedStatus {
  const { feed, api } = useDeps();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<FeedStatus>('connecting');
  useEffect(() => {
    const queries = connectFeedToQueries(queryClient);
    let wasDown = false;
    const close = feed.open(cursor, {
      change: queries.change,
      checkpoint: queries.checkpoint,
      status: (next) => {
        setStatus(next);
        if (next === 'reconnecting' || next === 'closed') wasDown = true;
        // Back after a gap: the stream resumes where it stopped, but a page that was waiting
        // on an error refetches too.
        if (next === 'live' && wasDown) {
          wasDown = false;
          queries.resync();
        }
        // A refused stream usually means the session ended; asking says so (and signs out).
        if (next === 'closed') void api.auth.session().catch(() => undefined);
      },
    });
    return close;
  }, [feed, api, cursor, queryClient]);
  return status;
}
