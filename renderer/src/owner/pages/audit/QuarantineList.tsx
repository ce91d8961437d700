/**
 * Quarantined events (UX owner 6): what a till sent that the server could not apply, with the
 * reason and the field; Replay checks them again (POST /v1/quarantine/replay, this business
 * only, audited) and applies what passes now.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatDateTime } from '../../../common/format.js';
import { DataTable } from '../../components/DataTable.js';
import { FormError } from '../../components/Field.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { errorWords } from '../../error-words.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';
import { auditApi, audit_keys } from './audit-api.js';

export function QuarantineList() {
  const t = useT();
  const words = t.manage.quarantine;
  const language = useLanguage();
  const session = useSignedIn();
  const api = auditApi(useApi().http);
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: audit_keys.quarantine, queryFn: api.quarantine });
  const replay = useMutation({
    mutationFn: api.replay,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['audit'] }),
  });

  return (
    <section className="card" aria-labelledby="quarantine-title">
      <h2 id="quarantine-title">{words.title}</h2>
      <p className="hint">{words.hint}</p>
      <QueryView query={query}>
        {(answer) => (
          <>
            <DataTable
              caption={words.title}
              hideCaption
              columns={[
                { key: 'received', header: words.received, cell: (event) => formatDateTime(event.received_at, session.business.time_zone, language) },
                { key: 'event', header: words.event, cell: (event) => <span className="code">{`${event.type} #${event.seq}`}</span> },
                { key: 'till', header: words.till, cell: (event) => <span className="code">{event.till_id.slice(-8)}</span> },
                { key: 'reason', header: words.reason, cell: (event) => (event.field === null ? event.reason : `${event.field}: ${event.reason}`) },
                {
                  key: 'status',
                  header: words.status,
                  cell: (event) => <span className={event.replayed_at === null ? 'badge waiting' : 'badge ok'}>{event.replayed_at === null ? words.waiting : words.applied}</span>,
                },
              ]}
              rows={answer.events}
              rowKey={(event) => `${event.till_id}|${event.seq}`}
              empty={words.none}
            />
            {answer.events.some((event) => event.replayed_at === null) && (
              <button type="button" className="primary" onClick={() => replay.mutate()} disabled={replay.isPending}>
                {replay.isPending ? words.replaying : words.replay}
              </button>
            )}
          </>
        )}
      </QueryView>
      <FormError message={replay.isError ? errorWords(replay.error, t) : null} />
      {replay.data !== undefined && (
        <p className="notice" role="status">
          {words.replayed(replay.data.examined, replay.data.applied, replay.data.still_quarantined)}
        </p>
      )}
    </section>
  );
}
