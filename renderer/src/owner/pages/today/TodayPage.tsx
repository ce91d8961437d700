/**
 * Today (UX owner 1 and 4): alarms first, then the day's takings (net, sales, average sale,
 * gross profit) beside the same day last week, by payment type, by hour, by store, till and
 * cashier. Live: the feed invalidates `reports` and `alarms` when a till's push lands, and the
 * page refetches (live-feed.ts); the figures are the server's, never summed on the page.
 */
import { useQuery } from '@tanstack/react-query';
import type { SalesTotals, SummaryResponse, TenderTotals } from '@payme/shared';
import { formatKes } from '@payme/shared';
import { formatBusinessDay, formatTime } from '../../../common/format.js';
import { DataTable } from '../../components/DataTable.js';
import { HourlyChart } from '../../components/HourlyChart.js';
import { Money, Stat } from '../../components/Money.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';
import { AlarmList } from './AlarmList.js';

function comparison(t: ReturnType<typeof useT>['reports']['today'], now: number, before: number): string {
  if (now === before) return t.vs_last_week(formatKes(before));
  return now > before ? t.up(formatKes(now - before)) : t.down(formatKes(before - now));
}

function Headline({ totals, previous }: { totals: SalesTotals; previous: SalesTotals }) {
  const t = useT().reports.today;
  return (
    <div className="stats">
      <Stat label={t.net} note={comparison(t, totals.net_cents, previous.net_cents)}>
        <Money cents={totals.net_cents} />
      </Stat>
      <Stat label={t.sales} note={t.vs_last_week(String(previous.sale_count))}>
        {totals.sale_count}
      </Stat>
      <Stat label={t.basket}>
        <Money cents={totals.average_basket_cents} />
      </Stat>
      <Stat label={t.profit}>
        <Money cents={totals.gross_profit_cents} />
      </Stat>
      <Stat label={t.refunds}>
        <Money cents={totals.refund_cents} />
      </Stat>
    </div>
  );
}

function TenderTable({ rows, previous }: { rows: readonly TenderTotals[]; previous: readonly TenderTotals[] }) {
  const words = useT().reports;
  const t = words.today;
  const before = (tender: string) => previous.find((row) => row.tender === tender)?.net_cents ?? 0;
  return (
    <DataTable
      caption={t.by_tender}
      columns={[
        { key: 'tender', header: words.field.tender, cell: (row) => words.tender[row.tender] },
        { key: 'amount', header: t.amount, numeric: true, cell: (row) => <Money cents={row.amount_cents} /> },
        { key: 'refund', header: t.refunds, numeric: true, cell: (row) => <Money cents={row.refund_cents} /> },
        { key: 'net', header: t.net_col, numeric: true, cell: (row) => <Money cents={row.net_cents} /> },
        { key: 'previous', header: t.last_week, numeric: true, cell: (row) => <Money cents={before(row.tender)} /> },
      ]}
      rows={rows}
      rowKey={(row) => row.tender}
      empty={t.no_sales}
    />
  );
}

type Named = { name: string | null; totals: SalesTotals };

function GroupTable({ caption, rows, rowKey }: { caption: string; rows: readonly Named[]; rowKey: (row: Named, index: number) => string }) {
  const t = useT().reports.today;
  const keyed = rows.map((row, index) => ({ row, key: rowKey(row, index) }));
  // A day without sales says so once, under the payment types; empty groups add nothing.
  if (keyed.length === 0) return null;
  return (
    <DataTable
      caption={caption}
      columns={[
        { key: 'name', header: t.name, cell: ({ row }) => row.name ?? t.unknown_cashier },
        { key: 'count', header: t.sale_count, numeric: true, cell: ({ row }) => row.totals.sale_count },
        { key: 'net', header: t.net, numeric: true, cell: ({ row }) => <Money cents={row.totals.net_cents} /> },
      ]}
      rows={keyed}
      rowKey={(item) => item.key}
      empty={t.no_sales}
    />
  );
}

function TodayReport({ report }: { report: SummaryResponse }) {
  const words = useT().reports;
  const t = words.today;
  const language = useLanguage();
  const points = report.series.points.filter((point) => point.hour !== null).map((point) => ({ hour: point.hour ?? 0, net_cents: point.net_cents }));
  return (
    <>
      <p className="hint">
        {formatBusinessDay(report.today, language)} · {words.as_of(formatTime(report.as_of, report.time_zone, language))}
      </p>
      <section aria-label={t.totals} className="card">
        <Headline totals={report.totals} previous={report.previous.totals} />
      </section>
      <TenderTable rows={report.by_tender} previous={report.previous.by_tender} />
      <HourlyChart title={t.chart_title} tableTitle={t.chart_table} hourLabel={t.hour} amountLabel={t.net} points={points} />
      <div className="columns">
        <GroupTable caption={t.by_store} rows={report.by_store} rowKey={(row, i) => report.by_store[i]?.store_id ?? String(row.name)} />
        <GroupTable caption={t.by_till} rows={report.by_till} rowKey={(row, i) => report.by_till[i]?.till_id ?? String(row.name)} />
        <GroupTable caption={t.by_cashier} rows={report.by_cashier} rowKey={(row, i) => report.by_cashier[i]?.cashier_id ?? String(row.name)} />
      </div>
    </>
  );
}

export function TodayPage() {
  const t = useT();
  const api = useApi();
  const session = useSignedIn();
  const summary = useQuery({ queryKey: ['reports', 'summary', 'today'], queryFn: () => api.reports.summary({ by: 'hour' }) });
  return (
    <section aria-labelledby="today-title">
      <h1 id="today-title">{t.page.today}</h1>
      <p>{session.business.name}</p>
      <AlarmList />
      <QueryView query={summary}>{(report) => <TodayReport report={report} />}</QueryView>
    </section>
  );
}
