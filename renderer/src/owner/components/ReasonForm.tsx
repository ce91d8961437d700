/**
 * A one-field form that asks why (dismiss a payment, retire a till): the reason is checked with
 * shared's reasonInput (the server's rule) before anything is sent, and the button says while
 * the request runs.
 */
import type { ReactNode } from 'react';
import { reasonInput, strictObject } from '@payme/shared';
import { Field, FormError } from './Field.js';
import { useZodForm } from '../forms/use-zod-form.js';
import { useT } from '../i18n/i18n.js';

const reasonSchema = strictObject({ reason: reasonInput });

export interface ReasonFormProps {
  name: string;
  label: string;
  submit: string;
  busy: string;
  intro?: ReactNode;
  onReason(reason: string): Promise<void>;
}

export function ReasonForm({ name, label, submit, busy, intro, onReason }: ReasonFormProps) {
  const words = useT();
  const form = useZodForm({ t: words, initial: { reason: '' }, schema: reasonSchema, toInput: (values) => ({ reason: values.reason }), submit: (body) => onReason(body.reason) });
  return (
    <form className="inline-form" onSubmit={form.onSubmit} noValidate aria-label={name}>
      {intro}
      <Field label={label} value={form.values.reason} error={form.errors.reason} onChange={(event) => form.set('reason', event.target.value)} />
      <FormError message={form.form_error} />
      <button type="submit" className="danger" disabled={form.submitting} aria-busy={form.submitting}>
        {form.submitting ? busy : submit}
      </button>
    </form>
  );
}
