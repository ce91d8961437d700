/**
 * Stock: on hand per product and store against its reorder level, low ones marked, filtered by
 * store, low only and a search (checked with shared's stockQuerySchema); a product's movements
 * open under the table.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { stockQuerySchema, type StockResponse } from '@payme/shared';
import { formatDateTime } from '../../../common/format.js';
import type { Query } from '../../api/reports-api.js';
import { DataTable } from '../../components/DataTable.js';
import { ExportLinks } from '../../components/ExportLink.js';
import { CheckboxField, Field, SelectField } from '../../components/Field.js';
import { LoadMore, useCursorPages } from '../../components/LoadMore.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { quantityChangeText, quantityText } from '../../format-quantity.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';

type Row = StockResponse['items'][number];

function Movements({ row }: { row: Row }) {
  const words = useT().reports;
  const t = words.stock;
  const api = useApi();
  const language = useLanguage();
  const zone = useSignedIn().business.time_zone;
  const movements = useQuery({ queryKey: ['stock', 'movements', row.product_id, row.store_id], queryFn: () => api.reports.movements(row.product_id, { store_id: row.store_id }) });
  return (
    <section className="card" aria-labelledby="movements-title">
      <h2 id="movements-title">{t.movements(row.name)}</h2>
      <QueryView query={movements}>
        {(answer) => (
          <DataTable<(typeof answer.movements)[number]>
            caption={t.movements(row.name)}
            hideCaption
            columns={[
              { key: 'time', header: words.sales.time, cell: (m) => formatDateTime(m.occurred_at, zone, language) },
              { key: 'kind', header: words.sales.type, cell: (m) => t.kind[m.kind] },
              { key: 'delta', header: t.change, numeric: true, cell: (m) => quantityChangeText(m.delta, row.unit) },
            ]}
            rows={answer.movements}
            rowKey={(m) => `${m.event_id}-${m.line_no}`}
            empty={t.no_movements}
          />
        )}
      </QueryView>
    </section>
  );
}

export function StockPage() {
  const words = useT();
  const t = words.reports;
  const api = useApi();
  const stores = useQuery({ queryKey: ['stores'], queryFn: () => api.reports.stores() });
  const [storeId, setStoreId] = useState('');
  const [low, setLow] = useState(false);
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<Row | null>(null);
  const parsed = stockQuerySchema.safeParse({ store_id: storeId === '' ? undefined : storeId, low: low ? 'true' : undefined, q: q.trim() === '' ? undefined : q });
  const query: Query = parsed.success ? { store_id: parsed.data.store_id, low: low ? 'true' : undefined, q: parsed.data.q } : {};
  const qError = parsed.success ? undefined : parsed.error.issues.find((issue) => issue.path[0] === 'q')?.message;
  const stock = useCursorPages(['stock', 'levels', query], (cursor) => api.reports.stock({ ...query, cursor }));
  return (
    <section aria-labelledby="stock-title">
      <h1 id="stock-title">{words.page.stock}</h1>
      <div className="filters card">
        <SelectField label={t.field.store} value={storeId} onChange={(event) => setStoreId(event.target.value)}>
          <option value="">{t.stock.all_stores}</option>
          {(stores.data?.stores ?? []).map((store) => (
            <option key={store.id} value={store.id}>
              {store.name}
            </option>
          ))}
        </SelectField>
        <Field label={t.field.q} type="search" value={q} error={qError} onChange={(event) => setQ(event.target.value)} />
        <CheckboxField label={t.stock.low_only} checked={low} onChange={(event) => setLow(event.target.checked)} />
      </div>
      <ExportLinks names={['stock']} query={{ store_id: query.store_id }} />
      <QueryView query={stock}>
        {(data) => (
          <>
            <DataTable<Row>
              caption={t.stock.list}
              hideCaption
              columns={[
                {
                  key: 'product',
                  header: t.stock.product,
                  cell: (row) => (
                    <button type="button" className="link-button" aria-label={t.stock.show_movements(row.name)} onClick={() => setPicked(row)}>
                      {row.name}
                    </button>
                  ),
                },
                { key: 'sku', header: t.stock.sku, cell: (row) => row.sku ?? '—' },
                { key: 'store', header: t.field.store, cell: (row) => row.store_name },
                { key: 'on_hand', header: t.stock.on_hand, numeric: true, cell: (row) => quantityText(row.on_hand, row.unit) },
                { key: 'reorder', header: t.stock.reorder, numeric: true, cell: (row) => (row.reorder_level === null ? '—' : quantityText(row.reorder_level, row.unit)) },
                { key: 'low', header: t.stock.low, cell: (row) => (row.low ? t.stock.low : '') },
              ]}
              rows={data.pages.flatMap((page) => page.items)}
              rowKey={(row) => `${row.product_id}-${row.store_id}`}
              rowClass={(row) => (row.low ? 'row-low' : undefined)}
              empty={t.stock.none}
            />
            <LoadMore query={stock} />
          </>
        )}
      </QueryView>
      {picked !== null && <Movements key={`${picked.product_id}-${picked.store_id}`} row={picked} />}
    </section>
  );
}
