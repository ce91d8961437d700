/**
 * "Who owes me?" (UX owner 2): the credit book, largest balance or oldest debt first, each
 * balance split into the ageing buckets the server allocated (payments pay the oldest credit
 * first, DESIGN §12), over-limit customers flagged, totals for the whole book.
 */
import { useState } from 'react';
import { Link } from '@tanstack/react-router';
import { credit_age_buckets, formatPhoneKe, type CreditBookRow } from '@payme/shared';
import { formatBusinessDay } from '../../../common/format.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { ExportLinks } from '../../components/ExportLink.js';
import { CheckboxField, SelectField } from '../../components/Field.js';
import { LoadMore, useCursorPages } from '../../components/LoadMore.js';
import { Money, Stat } from '../../components/Money.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { useLanguage, useT } from '../../i18n/i18n.js';

type Sort = 'amount' | 'age';

function useColumns(): Column<CreditBookRow>[] {
  const t = useT().reports.credit;
  const language = useLanguage();
  return [
    {
      key: 'name',
      header: t.customer,
      cell: (row) => (
        <Link to="/credit/$customerId" params={{ customerId: row.customer_id }} aria-label={t.open(row.name)}>
          {row.name}
        </Link>
      ),
    },
    { key: 'phone', header: t.phone, cell: (row) => (row.phone === null ? '—' : formatPhoneKe(row.phone)) },
    {
      key: 'balance',
      header: t.balance,
      numeric: true,
      cell: (row) => (
        <>
          <Money cents={row.balance_cents} />
          {row.over_limit && <span className="over-limit"> · {t.over_limit}</span>}
        </>
      ),
    },
    ...credit_age_buckets.map((bucket) => ({ key: bucket, header: t.bucket[bucket], numeric: true, cell: (row: CreditBookRow) => <Money cents={row.ageing[bucket]} /> })),
    { key: 'oldest', header: t.oldest, cell: (row) => (row.oldest_unpaid_day === null ? '—' : `${formatBusinessDay(row.oldest_unpaid_day, language)} (${t.age_days(row.age_days ?? 0)})`) },
  ];
}

export function CreditBookPage() {
  const words = useT();
  const t = words.reports.credit;
  const api = useApi();
  const [sort, setSort] = useState<Sort>('amount');
  const [overLimit, setOverLimit] = useState(false);
  const columns = useColumns();
  const book = useCursorPages(['credit', 'book', sort, overLimit], (cursor) => api.reports.creditBook({ sort, over_limit: overLimit ? 'true' : undefined, cursor }));
  return (
    <section aria-labelledby="credit-title">
      <h1 id="credit-title">{words.page.credit}</h1>
      <div className="filters card">
        <SelectField label={t.sort} value={sort} onChange={(event) => setSort(event.target.value === 'age' ? 'age' : 'amount')}>
          <option value="amount">{t.by_amount}</option>
          <option value="age">{t.by_age}</option>
        </SelectField>
        <CheckboxField label={t.over_limit_only} checked={overLimit} onChange={(event) => setOverLimit(event.target.checked)} />
      </div>
      <ExportLinks names={['credit-book']} />
      <QueryView query={book}>
        {(data) => {
          const first = data.pages[0];
          const rows = data.pages.flatMap((page) => page.customers);
          return (
            <>
              {first !== undefined && (
                <section className="card stats" aria-label={t.owed}>
                  <Stat label={t.owed} note={t.customers(first.totals.customers)}>
                    <Money cents={first.totals.balance_cents} />
                  </Stat>
                  {credit_age_buckets.map((bucket) => (
                    <Stat key={bucket} label={t.bucket[bucket]}>
                      <Money cents={first.totals.ageing[bucket]} />
                    </Stat>
                  ))}
                </section>
              )}
              <DataTable caption={words.page.credit} hideCaption columns={columns} rows={rows} rowKey={(row) => row.customer_id} empty={t.none} rowClass={(row) => (row.over_limit ? 'row-over-limit' : undefined)} />
              <LoadMore query={book} />
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
