/**
 * "Did every M-Pesa payment arrive?" (UX owner 3): a business day's reconciliation — received
 * against what the day's sales expected, matched and unmatched money, the queue to resolve,
 * codes cashiers typed that no confirmation has verified yet, and every payment received.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { businessDay, type MpesaReconciliationResponse } from '@payme/shared';
import { formatDateTime, formatTime } from '../../../common/format.js';
import { DataTable } from '../../components/DataTable.js';
import { Field } from '../../components/Field.js';
import { Money, Stat } from '../../components/Money.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';
import { QueueItem } from './QueueItem.js';

type Payment = MpesaReconciliationResponse['payments'][number];
type Claim = MpesaReconciliationResponse['unverified_claims'][number];

function Figures({ day }: { day: MpesaReconciliationResponse }) {
  const t = useT().reports.mpesa;
  return (
    <section className="card stats" aria-label={t.received}>
      {(['received', 'expected', 'matched', 'unmatched', 'pending'] as const).map((name) => (
        <Stat key={name} label={t[name]} note={t.count(day[name].count)}>
          <Money cents={day[name].amount_cents} />
        </Stat>
      ))}
      <Stat label={t.difference}>
        <Money cents={day.difference_cents} />
      </Stat>
    </section>
  );
}

function Reconciliation({ day }: { day: MpesaReconciliationResponse }) {
  const t = useT().reports.mpesa;
  const language = useLanguage();
  const zone = useSignedIn().business.time_zone;
  return (
    <>
      <Figures day={day} />
      <section aria-labelledby="queue-title">
        <h2 id="queue-title">{t.queue}</h2>
        {day.queue.length === 0 ? (
          <p className="empty">{t.queue_none}</p>
        ) : (
          <ul className="plain-list">
            {day.queue.map((item) => (
              <QueueItem key={item.item_id} item={item} />
            ))}
          </ul>
        )}
      </section>
      <DataTable<Claim>
        caption={t.claims}
        columns={[
          { key: 'code', header: t.code, cell: (row) => row.code },
          { key: 'amount', header: t.amount, numeric: true, cell: (row) => <Money cents={row.amount_cents} /> },
          { key: 'receipt', header: t.receipt, cell: (row) => row.receipt_no ?? '—' },
          { key: 'time', header: t.time, cell: (row) => formatTime(row.occurred_at, zone, language) },
        ]}
        rows={day.unverified_claims}
        rowKey={(row) => row.claim_id}
        empty={t.claims_none}
      />
      <DataTable<Payment>
        caption={t.payments}
        columns={[
          { key: 'time', header: t.time, cell: (row) => formatDateTime(row.received_at, zone, language) },
          { key: 'source', header: t.source, cell: (row) => t.source_name[row.source] },
          { key: 'receipt', header: t.mpesa_receipt, cell: (row) => row.mpesa_receipt ?? '—' },
          { key: 'amount', header: t.amount, numeric: true, cell: (row) => <Money cents={row.amount_cents} /> },
          { key: 'state', header: t.state, cell: (row) => t.state_name[row.state] },
          { key: 'sale', header: t.receipt, cell: (row) => row.receipt_no ?? '—' },
        ]}
        rows={day.payments}
        rowKey={(row) => `${row.source}-${row.id}`}
        empty={t.payments_none}
      />
    </>
  );
}

export function MpesaPage() {
  const words = useT();
  const t = words.reports;
  const api = useApi();
  const [typed, setTyped] = useState('');
  const [day, setDay] = useState<string | undefined>(undefined);
  const [dayError, setDayError] = useState<string | undefined>(undefined);
  const reconciliation = useQuery({ queryKey: ['mpesa', 'reconciliation', day ?? 'today'], queryFn: () => api.reports.mpesa({ day }) });
  const pick = (value: string) => {
    setTyped(value);
    if (value === '') {
      setDayError(undefined);
      setDay(undefined);
      return;
    }
    const parsed = businessDay.safeParse(value);
    setDayError(parsed.success ? undefined : parsed.error.issues[0]?.message);
    if (parsed.success) setDay(parsed.data);
  };
  return (
    <section aria-labelledby="mpesa-title">
      <h1 id="mpesa-title">{words.page.mpesa}</h1>
      <div className="filters card">
        <Field label={t.field.day} type="date" value={typed} error={dayError} onChange={(event) => pick(event.target.value)} />
      </div>
      <QueryView query={reconciliation}>{(answer) => <Reconciliation day={answer} />}</QueryView>
    </section>
  );
}

