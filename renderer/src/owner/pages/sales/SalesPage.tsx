/**
 * Sales: newest first, filtered by period, receipt number, payment type and till (checked with
 * shared's salesQuerySchema before anything is asked, each refusal under its field), a page at
 * a time; each receipt opens the sale's detail.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { salesQuerySchema, tender_kinds, type SaleListItem } from '@payme/shared';
import { formatDateTime } from '../../../common/format.js';
import type { Query } from '../../api/reports-api.js';
import { DataTable } from '../../components/DataTable.js';
import { ExportLinks } from '../../components/ExportLink.js';
import { Field, FormError, SelectField } from '../../components/Field.js';
import { LoadMore, useCursorPages } from '../../components/LoadMore.js';
import { Money } from '../../components/Money.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { useZodForm } from '../../forms/use-zod-form.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';

const blank = { from: '', to: '', receipt_no: '', tender: '', till_id: '', cashier_id: '' };
type Filters = typeof blank;

const orUndefined = (text: string) => (text.trim() === '' ? undefined : text);

export interface Cashier {
  id: string;
  name: string;
}

/** The cashiers of the sales read so far: managers may not read the staff list (DESIGN §12). */
function cashiersOf(sales: readonly SaleListItem[]): Cashier[] {
  const seen = new Map<string, string>();
  for (const sale of sales) if (!seen.has(sale.cashier_id)) seen.set(sale.cashier_id, sale.cashier_name ?? sale.cashier_id);
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

function SalesFilters({ onApply, cashiers }: { onApply: (query: Query) => void; cashiers: readonly Cashier[] }) {
  const words = useT();
  const t = words.reports;
  const api = useApi();
  const tills = useQuery({ queryKey: ['tills'], queryFn: () => api.reports.tills() });
  const form = useZodForm<Filters, typeof salesQuerySchema>({
    t: words,
    initial: blank,
    schema: salesQuerySchema,
    toInput: (values) => Object.fromEntries(Object.entries(values).flatMap(([key, value]) => (orUndefined(value) === undefined ? [] : [[key, value.trim()]]))),
    submit: async (query) => onApply({ from: query.from, to: query.to, receipt_no: query.receipt_no, tender: query.tender, till_id: query.till_id, cashier_id: query.cashier_id }),
  });
  return (
    <form className="filters card" onSubmit={form.onSubmit} noValidate aria-label={t.filter}>
      <Field label={t.field.from} type="date" value={form.values.from} error={form.errors.from} onChange={(event) => form.set('from', event.target.value)} />
      <Field label={t.field.to} type="date" value={form.values.to} error={form.errors.to} onChange={(event) => form.set('to', event.target.value)} />
      <Field label={t.field.receipt_no} value={form.values.receipt_no} error={form.errors.receipt_no} placeholder="T1-000123" onChange={(event) => form.set('receipt_no', event.target.value)} />
      <SelectField label={t.field.tender} value={form.values.tender} error={form.errors.tender} onChange={(event) => form.set('tender', event.target.value)}>
        <option value="">{t.all}</option>
        {tender_kinds.map((kind) => (
          <option key={kind} value={kind}>
            {t.tender[kind]}
          </option>
        ))}
      </SelectField>
      <SelectField label={t.field.till} value={form.values.till_id} error={form.errors.till_id} onChange={(event) => form.set('till_id', event.target.value)}>
        <option value="">{t.all}</option>
        {(tills.data?.tills ?? []).map((till) => (
          <option key={till.id} value={till.id}>
            {till.name}
          </option>
        ))}
      </SelectField>
      <SelectField label={t.field.cashier} value={form.values.cashier_id} error={form.errors.cashier_id} onChange={(event) => form.set('cashier_id', event.target.value)}>
        <option value="">{t.all}</option>
        {cashiers.map((cashier) => (
          <option key={cashier.id} value={cashier.id}>
            {cashier.name}
          </option>
        ))}
      </SelectField>
      <FormError message={form.form_error} />
      <button type="submit" className="primary" disabled={form.submitting}>
        {t.filter}
      </button>
    </form>
  );
}

function useSaleColumns() {
  const t = useT().reports;
  const language = useLanguage();
  const zone = useSignedIn().business.time_zone;
  return [
    {
      key: 'receipt',
      header: t.sales.receipt,
      cell: (row: SaleListItem) => (
        <Link to="/sales/$saleId" params={{ saleId: row.sale_id }} aria-label={t.sales.open(row.receipt_no ?? t.sales.no_receipt)}>
          {row.receipt_no ?? t.sales.no_receipt}
        </Link>
      ),
    },
    { key: 'time', header: t.sales.time, cell: (row: SaleListItem) => formatDateTime(row.sold_at, zone, language) },
    { key: 'till', header: t.sales.till, cell: (row: SaleListItem) => row.till_name ?? '—' },
    { key: 'cashier', header: t.sales.cashier, cell: (row: SaleListItem) => row.cashier_name ?? '—' },
    { key: 'customer', header: t.sales.customer, cell: (row: SaleListItem) => row.customer_name ?? '—' },
    { key: 'paid', header: t.sales.paid_by, cell: (row: SaleListItem) => row.tenders.map((tender) => t.tender[tender.kind]).join(', ') || '—' },
    { key: 'status', header: t.sales.status, cell: (row: SaleListItem) => (row.refunded_cents > 0 ? `${t.sales.status_name[row.status]} · ${t.sales.refunded}` : t.sales.status_name[row.status]) },
    { key: 'total', header: t.sales.total, numeric: true, cell: (row: SaleListItem) => <Money cents={row.total_cents} /> },
  ];
}

export function SalesPage() {
  const words = useT();
  const api = useApi();
  const [query, setQuery] = useState<Query>({});
  const columns = useSaleColumns();
  const sales = useCursorPages(['sales', 'list', query], (cursor) => api.reports.sales({ ...query, cursor }));
  const [cashiers, setCashiers] = useState<Cashier[]>([]);
  const loaded = cashiersOf(sales.data?.pages.flatMap((page) => page.sales) ?? []);
  // Cashiers seen once stay pickable after a filter narrows the list to one of them.
  const known = [...cashiers, ...loaded.filter((cashier) => !cashiers.some((old) => old.id === cashier.id))];
  if (known.length !== cashiers.length) setCashiers(known);
  return (
    <section aria-labelledby="sales-title">
      <h1 id="sales-title">{words.page.sales}</h1>
      <SalesFilters onApply={setQuery} cashiers={known} />
      <ExportLinks names={['sales', 'sale-lines']} query={{ from: query.from, to: query.to }} />
      <QueryView query={sales}>
        {(data) => (
          <>
            <DataTable caption={words.reports.sales.list} hideCaption columns={columns} rows={data.pages.flatMap((page) => page.sales)} rowKey={(row) => row.sale_id} empty={words.reports.sales.none} />
            <LoadMore query={sales} />
          </>
        )}
      </QueryView>
    </section>
  );
}
