/**
 * Catalog (UX owner 5): products with price, cost and reorder level; the owner changes them here
 * or imports a price list, and sees, per till, whether that till has the latest change yet (its
 * feed cursor passed the change). A pull is a read and puts nothing on the live feed, so while a
 * till lacks the change the panel asks again every few seconds. Managers read it.
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { formatKes, PaymeError, productEditBodySchema, type CatalogProduct } from '@payme/shared';
import { formatDateTime } from '../../../common/format.js';
import { DataTable } from '../../components/DataTable.js';
import { Field, FormError } from '../../components/Field.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { useZodForm } from '../../forms/use-zod-form.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';
import { amountText, optionalAmount, optionalStockLevel, stockLevelText } from '../../forms/form-values.js';
import { quantityText } from '../../format-quantity.js';
import { parseKes } from '@payme/shared';
import { catalogApi, catalog_keys } from './catalog-api.js';
import { CatalogImport } from './CatalogImport.js';

/** How often an open "which tills have it" panel asks again while a till has not got the change. */
export const tills_recheck_ms = 2_000;

function ProductTills({ product }: { product: CatalogProduct }) {
  const t = useT();
  const words = t.manage.catalog;
  const language = useLanguage();
  const session = useSignedIn();
  const api = catalogApi(useApi().http);
  const query = useQuery({
    queryKey: catalog_keys.tills(product.id),
    queryFn: () => api.tills(product.id),
    refetchInterval: (current) => (current.state.data?.tills.some((till) => !till.has_change) === true ? tills_recheck_ms : false),
  });
  return (
    <QueryView query={query}>
      {(answer) =>
        answer.change_seq === null ? (
          <p className="hint">{words.no_change}</p>
        ) : (
          <DataTable
            caption={words.tills_of(product.name)}
            columns={[
              { key: 'till', header: words.till, cell: (till) => till.name },
              {
                key: 'has',
                header: words.tills_title,
                cell: (till) => (
                  <span className={till.has_change ? 'badge ok' : 'badge waiting'}>
                    {till.has_change ? words.has_it : words.not_yet}
                    {' · '}
                    {till.last_pull_at === null ? words.never_pulled : words.last_sync(formatDateTime(till.last_pull_at, session.business.time_zone, language))}
                  </span>
                ),
              },
            ]}
            rows={answer.tills}
            rowKey={(till) => till.till_id}
            empty={words.tills_none}
          />
        )
      }
    </QueryView>
  );
}

function ProductEdit({ product, onDone }: { product: CatalogProduct; onDone(): void }) {
  const t = useT();
  const words = t.manage.catalog;
  const api = catalogApi(useApi().http);
  const queryClient = useQueryClient();
  const reorderHint = product.unit === 'piece' ? words.fix.reorder_level : words.reorder_in[product.unit];
  const reorderLevel = (text: string) => {
    const level = optionalStockLevel(text, product.unit);
    if (Number.isNaN(level)) throw new PaymeError('invalid_quantity', reorderHint, 'reorder_level');
    return level;
  };
  const form = useZodForm({
    t,
    initial: {
      name: product.name,
      price_cents: amountText(product.price_cents),
      cost_cents: product.cost_cents === null ? '' : amountText(product.cost_cents),
      reorder_level: product.reorder_level === null ? '' : stockLevelText(product.reorder_level, product.unit),
    },
    schema: productEditBodySchema,
    toInput: (values) => ({
      name: values.name,
      price_cents: parseKes(values.price_cents, 'price_cents'),
      cost_cents: optionalAmount(values.cost_cents, 'cost_cents'),
      // Weight and volume in kg and litres, as the till sells them; stored in grams and millilitres.
      reorder_level: reorderLevel(values.reorder_level),
    }),
    submit: async (body) => {
      await api.update(product.id, body);
      await queryClient.invalidateQueries({ queryKey: ['products'] });
      await queryClient.invalidateQueries({ queryKey: catalog_keys.tills(product.id) });
      onDone();
    },
  });
  return (
    <form className="card narrow" onSubmit={form.onSubmit} noValidate aria-label={words.edit_title(product.name)}>
      <h2>{words.edit_title(product.name)}</h2>
      <Field label={words.name} value={form.values.name} error={form.errors.name} onChange={(event) => form.set('name', event.target.value)} />
      <Field label={words.price} inputMode="decimal" value={form.values.price_cents} error={form.errors.price_cents} hint={words.fix.price} onChange={(event) => form.set('price_cents', event.target.value)} />
      <Field label={words.cost} inputMode="decimal" value={form.values.cost_cents} error={form.errors.cost_cents} hint={words.fix.cost} onChange={(event) => form.set('cost_cents', event.target.value)} />
      <Field label={words.reorder_level} inputMode={product.unit === 'piece' ? 'numeric' : 'decimal'} value={form.values.reorder_level} error={form.errors.reorder_level} hint={reorderHint} onChange={(event) => form.set('reorder_level', event.target.value)} />
      <FormError message={form.form_error} />
      <button type="submit" className="primary" disabled={form.submitting}>
        {form.submitting ? t.saving : t.save}
      </button>{' '}
      <button type="button" onClick={onDone}>
        {t.cancel}
      </button>
    </form>
  );
}

export function CatalogPage() {
  const t = useT();
  const words = t.manage.catalog;
  const session = useSignedIn();
  const isOwner = session.staff.role === 'owner';
  const api = catalogApi(useApi().http);
  const query = useQuery({ queryKey: catalog_keys.products, queryFn: api.list });
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<CatalogProduct | null>(null);
  const [tillsOf, setTillsOf] = useState<CatalogProduct | null>(null);
  const needle = search.trim().toLowerCase();

  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">{t.page.catalog}</h1>
      {!isOwner && <p className="notice">{words.read_only}</p>}
      {isOwner && <CatalogImport />}
      {editing !== null && (
        <ProductEdit
          key={editing.id}
          product={editing}
          onDone={() => {
            setTillsOf(editing);
            setEditing(null);
          }}
        />
      )}
      {tillsOf !== null && (
        <section className="card" aria-label={words.tills_of(tillsOf.name)}>
          <h2>{words.tills_of(tillsOf.name)}</h2>
          <ProductTills product={tillsOf} />
          <button type="button" onClick={() => setTillsOf(null)}>
            {t.close}
          </button>
        </section>
      )}
      <Field label={words.search} type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
      <QueryView query={query}>
        {(answer) => (
          <DataTable
            caption={words.products}
            hideCaption
            columns={[
              { key: 'name', header: words.name, cell: (product) => product.name },
              { key: 'sku', header: words.sku, cell: (product) => product.sku ?? '' },
              { key: 'price', header: words.price, numeric: true, cell: (product) => formatKes(product.price_cents) },
              { key: 'cost', header: words.cost, numeric: true, cell: (product) => (product.cost_cents === null ? '' : formatKes(product.cost_cents)) },
              { key: 'reorder', header: words.reorder_level, numeric: true, cell: (product) => (product.reorder_level === null ? '' : quantityText(product.reorder_level, product.unit)) },
              { key: 'status', header: words.status, cell: (product) => (product.active ? t.manage.active : t.manage.retired) },
              {
                key: 'actions',
                header: t.manage.edit,
                cell: (product) => (
                  <span className="actions">
                    {isOwner && (
                      <button type="button" aria-label={words.edit_product(product.name)} onClick={() => setEditing(product)}>
                        {t.manage.edit}
                      </button>
                    )}
                    <button type="button" aria-label={words.show_tills(product.name)} onClick={() => setTillsOf(product)}>
                      {words.tills_button}
                    </button>
                  </span>
                ),
              },
            ]}
            rows={answer.products.filter((product) => needle === '' || product.name.toLowerCase().includes(needle) || (product.sku ?? '').toLowerCase().includes(needle) || (product.barcode ?? '').includes(needle))}
            rowKey={(product) => product.id}
            empty={words.none}
          />
        )}
      </QueryView>
    </section>
  );
}
