/**
 * Customers and credit limits (UX owner 5): the owner adds a customer or changes a name, phone
 * or limit (the tills refuse credit past it after their next sync); managers read the list.
 * Phones are typed and shown the Kenyan way (0722 111 222), sent as 2547XXXXXXXX.
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { customerEditBodySchema, formatKes, formatPhoneKe, parseKes, parsePhoneKe, type OwnerCustomer } from '@payme/shared';
import { DataTable } from '../../components/DataTable.js';
import { Field, FormError } from '../../components/Field.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { amountText } from '../../forms/form-values.js';
import { useZodForm } from '../../forms/use-zod-form.js';
import { useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';
import { customersApi, customers_keys } from './customers-api.js';

function valuesOf(customer: OwnerCustomer | null) {
  return {
    name: customer?.name ?? '',
    phone: customer?.phone ? formatPhoneKe(customer.phone) : '',
    credit_limit_cents: customer ? amountText(customer.credit_limit_cents) : '0.00',
  };
}

function CustomerForm({ customer, onDone }: { customer: OwnerCustomer | null; onDone(message: string | null): void }) {
  const t = useT();
  const words = t.manage.customers;
  const api = customersApi(useApi().http);
  const queryClient = useQueryClient();
  const form = useZodForm({
    t,
    initial: valuesOf(customer),
    schema: customerEditBodySchema,
    toInput: (values) => ({
      name: values.name,
      phone: values.phone.trim() === '' ? null : parsePhoneKe(values.phone),
      credit_limit_cents: parseKes(values.credit_limit_cents, 'credit_limit_cents'),
    }),
    submit: async (body) => {
      const saved = customer === null ? await api.create(body) : await api.update(customer.id, body);
      await queryClient.invalidateQueries({ queryKey: ['customers'] });
      if (customer === null) form.reset();
      onDone(words.saved(saved.name));
    },
  });
  const title = customer === null ? words.add_title : words.edit_title(customer.name);
  return (
    <form className="card narrow" onSubmit={form.onSubmit} noValidate aria-label={title}>
      <h2>{title}</h2>
      <Field label={words.name} value={form.values.name} error={form.errors.name} onChange={(event) => form.set('name', event.target.value)} />
      <Field label={words.phone} type="tel" inputMode="tel" value={form.values.phone} error={form.errors.phone} hint={words.phone_hint} onChange={(event) => form.set('phone', event.target.value)} />
      <Field label={words.credit_limit} inputMode="decimal" value={form.values.credit_limit_cents} error={form.errors.credit_limit_cents} hint={words.credit_limit_hint} onChange={(event) => form.set('credit_limit_cents', event.target.value)} />
      <FormError message={form.form_error} />
      <button type="submit" className="primary" disabled={form.submitting}>
        {form.submitting ? t.saving : customer === null ? words.add : t.save}
      </button>
      {customer !== null && (
        <>
          {' '}
          <button type="button" onClick={() => onDone(null)}>
            {t.cancel}
          </button>
        </>
      )}
    </form>
  );
}

export function CustomersPage() {
  const t = useT();
  const words = t.manage.customers;
  const isOwner = useSignedIn().staff.role === 'owner';
  const api = customersApi(useApi().http);
  const query = useQuery({ queryKey: customers_keys.list, queryFn: api.list });
  const [editing, setEditing] = useState<OwnerCustomer | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const done = (message: string | null) => {
    setEditing(null);
    setNotice(message);
  };
  return (
    <section aria-labelledby="customers-title">
      <h1 id="customers-title">{t.page.customers}</h1>
      {!isOwner && <p className="notice">{words.read_only}</p>}
      {isOwner && editing === null && <CustomerForm customer={null} onDone={done} />}
      {isOwner && editing !== null && <CustomerForm key={editing.id} customer={editing} onDone={done} />}
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <QueryView query={query}>
        {(answer) => (
          <DataTable
            caption={t.page.customers}
            hideCaption
            columns={[
              { key: 'name', header: words.name, cell: (customer) => customer.name },
              { key: 'phone', header: words.phone, cell: (customer) => (customer.phone === null ? '' : formatPhoneKe(customer.phone)) },
              { key: 'limit', header: words.credit_limit, numeric: true, cell: (customer) => formatKes(customer.credit_limit_cents) },
              { key: 'status', header: t.manage.catalog.status, cell: (customer) => (customer.active ? t.manage.active : t.manage.retired) },
              ...(isOwner
                ? [
                    {
                      key: 'actions',
                      header: t.manage.edit,
                      cell: (customer: OwnerCustomer) => (
                        <button type="button" aria-label={words.edit_title(customer.name)} onClick={() => setEditing(customer)}>
                          {t.manage.edit}
                        </button>
                      ),
                    },
                  ]
                : []),
            ]}
            rows={answer.customers}
            rowKey={(customer) => customer.id}
            empty={words.none}
          />
        )}
      </QueryView>
    </section>
  );
}
