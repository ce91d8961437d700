/** The three states of a page's read: loading, failed (with the words and a retry), or shown. */
import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { isOwnerApiError } from '../api/owner-http.js';
import { errorWords } from '../error-words.js';
import { useT } from '../i18n/i18n.js';

export function QueryView<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const t = useT();
  if (query.isPending) {
    return (
      <p className="loading" role="status">
        {t.loading}
      </p>
    );
  }
  if (query.isError) {
    // A route the server does not have yet (an older server) says so instead of an error code.
    const missing = isOwnerApiError(query.error) && query.error.status === 404 && query.error.code === 'not_found' && query.error.field === undefined;
    return (
      <div className="form-error" role="alert">
        <p>{missing ? t.waiting_for_server : errorWords(query.error, t)}</p>
        <button type="button" onClick={() => void query.refetch()}>
          {t.retry}
        </button>
      </div>
    );
  }
  return <>{children(query.data)}</>;
}
