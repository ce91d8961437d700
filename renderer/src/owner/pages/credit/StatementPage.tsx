/**
 * A customer's statement: every credit entry oldest first with the running balance and what of
 * each credit is still unpaid, the ageing, and a polite reminder to copy and send (UX owner 2),
 * in the language the page is shown in.
 */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { credit_age_buckets, type CreditStatementResponse } from '@payme/shared';
import { formatBusinessDay } from '../../../common/format.js';
import { CopyButton } from '../../components/CopyButton.js';
import { DataTable } from '../../components/DataTable.js';
import { Money, Stat } from '../../components/Money.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { useLanguage, useT } from '../../i18n/i18n.js';

type Entry = CreditStatementResponse['entries'][number];

function Statement({ statement }: { statement: CreditStatementResponse }) {
  const words = useT().reports;
  const t = words.credit;
  const language = useLanguage();
  const customer = statement.customer;
  const reminder = statement.reminder[language];
  return (
    <>
      <h1 id="statement-title">{t.statement(customer.name)}</h1>
      <section className="card stats" aria-label={t.balance}>
        <Stat label={t.balance} note={customer.over_limit ? t.over_limit : undefined}>
          <Money cents={customer.balance_cents} />
        </Stat>
        <Stat label={t.limit}>
          <Money cents={customer.credit_limit_cents} />
        </Stat>
        {credit_age_buckets.map((bucket) => (
          <Stat key={bucket} label={t.bucket[bucket]}>
            <Money cents={customer.ageing[bucket]} />
          </Stat>
        ))}
      </section>
      <section className="card" aria-labelledby="reminder-title">
        <h2 id="reminder-title">{t.reminder}</h2>
        <p className="reminder">{reminder}</p>
        <CopyButton label={t.copy_reminder} text={reminder} />
      </section>
      <DataTable<Entry>
        caption={t.statement(customer.name)}
        hideCaption
        columns={[
          { key: 'date', header: t.date, cell: (row) => formatBusinessDay(row.business_day, language) },
          { key: 'what', header: t.what, cell: (row) => (row.receipt_no === null ? t.entry[row.kind] : `${t.entry[row.kind]} ${row.receipt_no}`) },
          { key: 'amount', header: t.amount, numeric: true, cell: (row) => <Money cents={row.delta_cents} /> },
          { key: 'after', header: t.after, numeric: true, cell: (row) => <Money cents={row.balance_after_cents} /> },
          { key: 'unpaid', header: t.unpaid, numeric: true, cell: (row) => (row.unpaid_cents === null ? '—' : <Money cents={row.unpaid_cents} />) },
        ]}
        rows={statement.entries}
        rowKey={(row) => `${row.event_id}-${row.entry_no}`}
        empty={t.no_entries}
      />
    </>
  );
}

export function StatementPage() {
  const words = useT();
  const api = useApi();
  const { customerId } = useParams({ from: '/credit/$customerId' });
  const statement = useQuery({ queryKey: ['credit', 'statement', customerId], queryFn: () => api.reports.statement(customerId) });
  return (
    <section aria-labelledby="statement-title">
      <Link to="/credit">{words.reports.back}</Link>
      <QueryView query={statement}>{(answer) => <Statement statement={answer} />}</QueryView>
    </section>
  );
}
