/**
 * The M-Pesa account (owner only). The secrets are write-only: the server keeps them sealed and
 * answers them masked; the page never puts even the mask in a field, it says "saved" or "not
 * set", and empties the secret fields once the account is saved. Daraja needs the three secrets
 * together, so changing the account means typing them again.
 */
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { mpesaAccountInputSchema, type MpesaAccountMasked, type MpesaSecretField } from '@payme/shared';
import { CheckboxField, Field, SelectField } from '../../components/Field.js';
import { FormFooter } from '../../components/FormFooter.js';
import { useApi } from '../../deps.js';
import { useZodForm } from '../../forms/use-zod-form.js';
import { useT } from '../../i18n/i18n.js';
import { settingsApi, settings_keys } from './settings-api.js';

const blank_secrets = { consumer_key: '', consumer_secret: '', passkey: '', initiator_name: '', security_credential: '' };

function valuesOf(account: MpesaAccountMasked | null) {
  return {
    base_url: account?.base_url ?? 'https://api.safaricom.co.ke',
    kind: account?.kind ?? 'till',
    business_shortcode: account?.business_shortcode ?? '',
    till_number: account?.till_number ?? '',
    callback_base_url: account?.callback_base_url ?? '',
    trust_callbacks: account?.trust_callbacks ?? false,
    ...blank_secrets,
  };
}

const blankIsAbsent = (text: string) => (text.trim() === '' ? undefined : text.trim());

export function MpesaAccountForm({ account }: { account: MpesaAccountMasked | null }) {
  const t = useT();
  const words = t.manage.mpesa;
  const calls = settingsApi(useApi().http);
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(account);
  const [done, setDone] = useState(false);
  const form = useZodForm({
    t,
    initial: valuesOf(account),
    schema: mpesaAccountInputSchema,
    toInput: (values) => ({
      base_url: values.base_url.trim(),
      kind: values.kind,
      business_shortcode: values.business_shortcode.trim(),
      till_number: blankIsAbsent(values.till_number),
      callback_base_url: values.callback_base_url.trim(),
      trust_callbacks: values.trust_callbacks,
      consumer_key: values.consumer_key,
      consumer_secret: values.consumer_secret,
      passkey: values.passkey,
      initiator_name: blankIsAbsent(values.initiator_name),
      security_credential: blankIsAbsent(values.security_credential),
    }),
    submit: async (body) => {
      setDone(false);
      const answer = await calls.saveMpesaAccount(body);
      setSaved(answer);
      form.reset(valuesOf(answer));
      setDone(true);
      queryClient.setQueryData(settings_keys.mpesa, answer);
    },
  });
  const secret = (field: MpesaSecretField, required: boolean) => {
    const isSaved = saved !== null && saved[field] !== null;
    return (
      <Field
        label={words.field[field]}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        value={form.values[field]}
        error={form.errors[field]}
        hint={`${isSaved ? words.secret_saved : words.secret_not_set}${required ? '' : ` ${words.optional}`}`}
        onChange={(event) => form.set(field, event.target.value)}
      />
    );
  };
  return (
    <form className="card" onSubmit={form.onSubmit} noValidate aria-labelledby="mpesa-account-title">
      <h2 id="mpesa-account-title">{words.title}</h2>
      <p className="hint">{saved === null ? words.none_yet : words.secrets_note}</p>
      <div className="form-grid">
        <SelectField label={words.field.kind} value={form.values.kind} error={form.errors.kind} onChange={(event) => form.set('kind', event.target.value as 'till' | 'paybill')}>
          <option value="till">{words.kind.till}</option>
          <option value="paybill">{words.kind.paybill}</option>
        </SelectField>
        <Field label={words.field.business_shortcode} inputMode="numeric" value={form.values.business_shortcode} error={form.errors.business_shortcode} onChange={(event) => form.set('business_shortcode', event.target.value)} />
        <Field label={words.field.till_number} inputMode="numeric" value={form.values.till_number} error={form.errors.till_number} hint={words.till_number_hint} onChange={(event) => form.set('till_number', event.target.value)} />
        <Field label={words.field.base_url} type="url" value={form.values.base_url} error={form.errors.base_url} onChange={(event) => form.set('base_url', event.target.value)} />
        <Field label={words.field.callback_base_url} type="url" value={form.values.callback_base_url} error={form.errors.callback_base_url} hint={words.callback_hint} onChange={(event) => form.set('callback_base_url', event.target.value)} />
        {secret('consumer_key', true)}
        {secret('consumer_secret', true)}
        {secret('passkey', true)}
        {secret('initiator_name', false)}
        {secret('security_credential', false)}
      </div>
      <CheckboxField label={words.field.trust_callbacks} checked={form.values.trust_callbacks} error={form.errors.trust_callbacks} onChange={(event) => form.set('trust_callbacks', event.target.checked)} />
      <FormFooter form_error={form.form_error} notice={done ? words.saved : null} submitting={form.submitting} submit={words.save} submitting_text={t.saving} />
    </form>
  );
}
