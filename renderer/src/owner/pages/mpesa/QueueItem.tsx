/**
 * One item of the M-Pesa queue with the resolutions it offers: match it to a sale by the
 * receipt number on the paper receipt, or dismiss it with a reason. Each resolve carries an
 * idempotency key made once per form, so a retry after a dropped answer is the same resolve.
 */
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { salesQuerySchema, uuidv7 } from '@payme/shared';
import { formatDateTime } from '../../../common/format.js';
import { OwnerApiError } from '../../api/owner-http.js';
import type { ResolveBody } from '../../api/reports-api.js';
import { Field, FormError } from '../../components/Field.js';
import { Money } from '../../components/Money.js';
import { ReasonForm } from '../../components/ReasonForm.js';
import { useDeps } from '../../deps.js';
import { useZodForm } from '../../forms/use-zod-form.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';
import type { MpesaReconciliationResponse } from '@payme/shared';

type Item = MpesaReconciliationResponse['queue'][number];

function useResolve(itemId: string) {
  const { api, clock, random } = useDeps();
  const queryClient = useQueryClient();
  const [key] = useState(() => uuidv7(clock, random));
  return async (body: ResolveBody) => {
    await api.reports.resolve(itemId, body, key);
    await Promise.all([queryClient.invalidateQueries({ queryKey: ['mpesa'] }), queryClient.invalidateQueries({ queryKey: ['alarms'] })]);
  };
}

function MatchForm({ item }: { item: Item }) {
  const words = useT();
  const t = words.reports.mpesa;
  const { api } = useDeps();
  const resolve = useResolve(item.item_id);
  const form = useZodForm({
    t: words,
    initial: { receipt_no: '' },
    schema: salesQuerySchema,
    toInput: (values) => ({ receipt_no: values.receipt_no }),
    submit: async (query) => {
      const found = await api.reports.sales({ receipt_no: query.receipt_no, limit: 1 });
      const sale = found.sales[0];
      if (sale === undefined) throw new OwnerApiError(404, 'not_found', t.no_such_receipt, 'receipt_no');
      await resolve({ resolution: 'matched_to_sale', sale_id: sale.sale_id });
    },
  });
  return (
    <form className="inline-form" onSubmit={form.onSubmit} noValidate aria-label={t.match}>
      <Field label={t.match_receipt} value={form.values.receipt_no} error={form.errors.receipt_no} placeholder="T1-000123" onChange={(event) => form.set('receipt_no', event.target.value)} />
      <FormError message={form.form_error} />
      <button type="submit" className="primary" disabled={form.submitting} aria-busy={form.submitting}>
        {form.submitting ? t.matching : t.match_submit}
      </button>
    </form>
  );
}

function DismissForm({ item }: { item: Item }) {
  const t = useT().reports.mpesa;
  const resolve = useResolve(item.item_id);
  return <ReasonForm name={t.dismiss} label={t.dismiss_reason} submit={t.dismiss_submit} busy={t.dismissing} onReason={(reason) => resolve({ resolution: 'dismissed', reason })} />;
}

export function QueueItem({ item }: { item: Item }) {
  const t = useT().reports.mpesa;
  const language = useLanguage();
  const session = useSignedIn();
  const [open, setOpen] = useState<'match' | 'dismiss' | null>(null);
  const details = Object.entries(item.details)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(' · ');
  return (
    <li className="card" aria-label={t.item(item.subject)}>
      <p>
        <strong>{item.subject}</strong> {item.amount_cents !== null && <Money cents={item.amount_cents} />}
      </p>
      <p className="hint">
        {t.created}: {formatDateTime(item.created_at, session.business.time_zone, language)}
        {details !== '' && ` · ${details}`}
      </p>
      {item.resolved_at !== null && (
        <p className="badge ok">
          {t.resolved} {formatDateTime(item.resolved_at, session.business.time_zone, language)}
        </p>
      )}
      <div className="row-actions">
        {item.actions.includes('matched_to_sale') && (
          <button type="button" aria-expanded={open === 'match'} onClick={() => setOpen(open === 'match' ? null : 'match')}>
            {t.match}
          </button>
        )}
        {item.actions.includes('dismissed') && (
          <button type="button" aria-expanded={open === 'dismiss'} onClick={() => setOpen(open === 'dismiss' ? null : 'dismiss')}>
            {t.dismiss}
          </button>
        )}
      </div>
      {/* Once resolved (here or by someone else) an item offers nothing more, open form included. */}
      {open === 'match' && item.actions.includes('matched_to_sale') && <MatchForm item={item} />}
      {open === 'dismiss' && item.actions.includes('dismissed') && <DismissForm item={item} />}
    </li>
  );
}
