/**
 * Tills (DESIGN §12): each till's last push and pull, what waits in its outbox, its version and
 * alarms; the owner retires a till (with a reason) and creates or revokes enrollment codes. A
 * manager sees the list only (the server refuses them the rest).
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { TillRow } from '@payme/shared';
import { formatDateTime } from '../../../common/format.js';
import { DataTable } from '../../components/DataTable.js';
import { ReasonForm } from '../../components/ReasonForm.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';
import { EnrollmentCodes } from './EnrollmentCodes.js';

function RetireForm({ till, onDone }: { till: TillRow; onDone: () => void }) {
  const t = useT().reports.tills;
  const api = useApi();
  const queryClient = useQueryClient();
  const retire = async (reason: string) => {
    await api.reports.retireTill(till.id, reason);
    await queryClient.invalidateQueries({ queryKey: ['tills'] });
    onDone();
  };
  return <ReasonForm name={t.retire(till.name)} label={t.retire_reason} submit={t.retire_confirm} busy={t.retiring} intro={<p className="hint">{t.retire_warning}</p>} onReason={retire} />;
}

function TillList({ tills, stores }: { tills: readonly TillRow[]; stores: ReadonlyMap<string, string> }) {
  const t = useT().reports.tills;
  const language = useLanguage();
  const session = useSignedIn();
  const zone = session.business.time_zone;
  const [retiring, setRetiring] = useState<string | null>(null);
  const when = (instant: string | null) => (instant === null ? t.never : formatDateTime(instant, zone, language));
  return (
    <DataTable<TillRow>
      caption={t.list}
      hideCaption
      columns={[
        { key: 'name', header: t.name, cell: (row) => row.name },
        { key: 'store', header: t.store, cell: (row) => stores.get(row.store_id) ?? '—' },
        { key: 'push', header: t.last_push, cell: (row) => when(row.last_push_at) },
        { key: 'pull', header: t.last_pull, cell: (row) => when(row.last_pull_at) },
        { key: 'outbox', header: t.unsynced, numeric: true, cell: (row) => row.outbox_depth ?? '—' },
        { key: 'version', header: t.version, cell: (row) => row.app_version ?? '—' },
        { key: 'alarms', header: t.alarms, cell: (row) => row.alarms.map((alarm) => t.alarm[alarm]).join(', ') || '—' },
        {
          key: 'state',
          header: t.status,
          cell: (row) =>
            row.retired_at !== null ? (
              t.retired(when(row.retired_at))
            ) : session.staff.role !== 'owner' ? (
              t.active
            ) : (
              <div>
                <button type="button" className="danger" aria-expanded={retiring === row.id} onClick={() => setRetiring(retiring === row.id ? null : row.id)}>
                  {t.retire(row.name)}
                </button>
                {retiring === row.id && <RetireForm till={row} onDone={() => setRetiring(null)} />}
              </div>
            ),
        },
      ]}
      rows={tills}
      rowKey={(row) => row.id}
      empty={t.none}
    />
  );
}

export function TillsPage() {
  const words = useT();
  const api = useApi();
  const session = useSignedIn();
  const tills = useQuery({ queryKey: ['tills'], queryFn: () => api.reports.tills() });
  const stores = useQuery({ queryKey: ['stores'], queryFn: () => api.reports.stores() });
  const storeNames = new Map((stores.data?.stores ?? []).map((store) => [store.id, store.name]));
  return (
    <section aria-labelledby="tills-title">
      <h1 id="tills-title">{words.page.tills}</h1>
      <QueryView query={tills}>{(answer) => <TillList tills={answer.tills} stores={storeNames} />}</QueryView>
      {session.staff.role === 'owner' && <EnrollmentCodes stores={stores.data?.stores ?? []} />}
    </section>
  );
}
