/** The owner's enrollment codes: create one for a store (shown once), list them, revoke an open one. */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatDateTime } from '../../../common/format.js';
import { DataTable } from '../../components/DataTable.js';
import { FormError, SelectField } from '../../components/Field.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { errorWords } from '../../error-words.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';

export function EnrollmentCodes({ stores }: { stores: readonly { id: string; name: string }[] }) {
  const words = useT();
  const t = words.reports.tills;
  const api = useApi();
  const language = useLanguage();
  const zone = useSignedIn().business.time_zone;
  const queryClient = useQueryClient();
  const codes = useQuery({ queryKey: ['tills', 'codes'], queryFn: () => api.reports.enrollmentCodes() });
  const [storeId, setStoreId] = useState('');
  const chosen = storeId === '' ? stores[0]?.id : storeId;
  const create = useMutation({
    mutationFn: (store: string) => api.reports.createEnrollmentCode(store),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tills', 'codes'] }),
  });
  const revoke = useMutation({
    mutationFn: (codeId: string) => api.reports.revokeEnrollmentCode(codeId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tills', 'codes'] }),
  });
  const failure = create.error ?? revoke.error;
  return (
    <section className="card" aria-labelledby="codes-title">
      <h2 id="codes-title">{t.codes}</h2>
      <p className="hint">{t.codes_hint}</p>
      <div className="filters">
        <SelectField label={t.store} value={chosen ?? ''} onChange={(event) => setStoreId(event.target.value)}>
          {stores.map((store) => (
            <option key={store.id} value={store.id}>
              {store.name}
            </option>
          ))}
        </SelectField>
        <button type="button" className="primary" disabled={chosen === undefined || create.isPending} aria-busy={create.isPending} onClick={() => chosen !== undefined && create.mutate(chosen)}>
          {create.isPending ? t.creating_code : t.create_code}
        </button>
      </div>
      {create.data !== undefined && (
        <div className="notice" role="status">
          <p className="code">{t.new_code(create.data.code)}</p>
          <p>{t.new_code_hint(formatDateTime(create.data.expires_at, zone, language))}</p>
        </div>
      )}
      <FormError message={failure ? errorWords(failure, words) : null} />
      <QueryView query={codes}>
        {(answer) => (
          <DataTable<(typeof answer.codes)[number]>
            caption={t.codes}
            hideCaption
            columns={[
              { key: 'store', header: t.store, cell: (row) => stores.find((store) => store.id === row.store_id)?.name ?? '—' },
              { key: 'created', header: t.created, cell: (row) => formatDateTime(row.created_at, zone, language) },
              { key: 'expires', header: t.expires, cell: (row) => formatDateTime(row.expires_at, zone, language) },
              { key: 'status', header: t.status, cell: (row) => t.code_status[row.status] },
              {
                key: 'revoke',
                header: t.revoke,
                cell: (row) =>
                  row.status === 'open' ? (
                    <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate(row.code_id)}>
                      {revoke.isPending && revoke.variables === row.code_id ? t.revoking : t.revoke}
                    </button>
                  ) : (
                    '—'
                  ),
              },
            ]}
            rows={answer.codes}
            rowKey={(row) => row.code_id}
            empty={t.no_codes}
          />
        )}
      </QueryView>
    </section>
  );
}
