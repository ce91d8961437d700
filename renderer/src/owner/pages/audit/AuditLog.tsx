/**
 * The audit log (UX owner 6): every owner change, payment resolution and replay, newest first,
 * filtered by kind (a prefix: `product` finds every product change) and by what it is about;
 * "Show more" pages back in time. Names stand for the staff ids the entries carry.
 */
import { useState, type FormEvent } from 'react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { formatDateTime } from '../../../common/format.js';
import { DataTable } from '../../components/DataTable.js';
import { Field } from '../../components/Field.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';
import { auditApi, audit_keys, audit_page_rows, type AuditFilters } from './audit-api.js';

const kind_pattern = /^[a-z_.]{0,64}$/;

export function AuditLog() {
  const t = useT();
  const words = t.manage.audit;
  const language = useLanguage();
  const session = useSignedIn();
  const api = auditApi(useApi().http);
  const [draft, setDraft] = useState<AuditFilters>({ kind: '', subject: '' });
  const [filters, setFilters] = useState<AuditFilters>({ kind: '', subject: '' });
  const [kindError, setKindError] = useState<string | undefined>(undefined);
  const staff = useQuery({ queryKey: audit_keys.staff, queryFn: api.staff });
  const names = new Map((staff.data?.staff ?? []).map((member) => [member.id, member.name]));
  const entries = useInfiniteQuery({
    queryKey: audit_keys.entries(filters),
    queryFn: ({ pageParam }) => api.entries(filters, pageParam),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => (page.entries.length < audit_page_rows ? undefined : page.entries.at(-1)?.seq),
    // A new filter keeps the old rows on screen until its rows arrive.
    placeholderData: keepPreviousData,
  });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const kind = draft.kind.trim().toLowerCase();
    if (!kind_pattern.test(kind)) return setKindError(words.kind_refused);
    setKindError(undefined);
    setFilters({ kind, subject: draft.subject.trim() });
  };

  return (
    <section className="card" aria-labelledby="audit-log-title">
      <h2 id="audit-log-title">{words.log_title}</h2>
      <form onSubmit={apply} noValidate className="form-grid" aria-label={words.filters}>
        <Field label={words.kind} value={draft.kind} error={kindError} hint={words.kind_hint} onChange={(event) => setDraft({ ...draft, kind: event.target.value })} />
        <Field label={words.subject} value={draft.subject} hint={words.subject_hint} onChange={(event) => setDraft({ ...draft, subject: event.target.value })} />
        <div>
          <button type="submit">{words.apply}</button>
        </div>
      </form>
      <QueryView query={entries}>
        {(data) => (
          <>
            <DataTable
              caption={words.log_title}
              hideCaption
              columns={[
                { key: 'seq', header: words.seq, numeric: true, cell: (entry) => entry.seq },
                { key: 'when', header: words.when, cell: (entry) => formatDateTime(entry.occurred_at, session.business.time_zone, language) },
                { key: 'kind', header: words.kind, cell: (entry) => <span className="code">{entry.kind}</span> },
                { key: 'actor', header: words.actor, cell: (entry) => (entry.actor === null ? words.system : (names.get(entry.actor) ?? entry.actor)) },
                { key: 'subject', header: words.subject, cell: (entry) => <span className="code">{entry.subject ?? ''}</span> },
                { key: 'hash', header: words.hash, cell: (entry) => <span className="code">{entry.hash.slice(0, 12)}</span> },
              ]}
              rows={data.pages.flatMap((page) => page.entries)}
              rowKey={(entry) => String(entry.seq)}
              empty={words.log_empty}
            />
            {entries.hasNextPage && (
              <button type="button" onClick={() => void entries.fetchNextPage()} disabled={entries.isFetchingNextPage}>
                {entries.isFetchingNextPage ? t.loading : t.manage.load_more}
              </button>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
