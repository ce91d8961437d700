/**
 * Settings (owner only, DESIGN §12): business details, KRA PIN, VAT, time zone, day cutoff and
 * alarm thresholds, saved together in one write (PATCH /v1/settings) or not at all; and the
 * M-Pesa account, whose secrets are write-only: the page never shows or fills them, it only
 * says whether one is saved.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { parseKes, setting_schemas, type SettingKey } from '@payme/shared';
import { CheckboxField, Field } from '../../components/Field.js';
import { QueryView } from '../../components/PageState.js';
import { FormFooter } from '../../components/FormFooter.js';
import { useApi } from '../../deps.js';
import { amountText, optionalWholeNumber } from '../../forms/form-values.js';
import { useZodForm } from '../../forms/use-zod-form.js';
import { useT } from '../../i18n/i18n.js';
import { OwnerOnly } from '../OwnerOnly.js';
import { useSessionStoreApi } from '../../state/use-session.js';
import { MpesaAccountForm } from './MpesaAccountForm.js';
import { settingsApi, settings_keys } from './settings-api.js';
import { useState } from 'react';

const text_keys = ['business_name', 'business_address', 'business_phone', 'kra_pin', 'time_zone', 'business_day_cutoff'] as const;
const form_keys = [...text_keys, 'vat_registered', 'alarm_till_silent_minutes', 'alarm_cash_variance_cents'] as const satisfies readonly SettingKey[];
type FormKey = (typeof form_keys)[number];
type FormValues = Record<Exclude<FormKey, 'vat_registered'>, string> & { vat_registered: boolean };

const settingsFormSchema = z.object(Object.fromEntries(form_keys.map((key) => [key, setting_schemas[key]]))).partial();

function valuesOf(settings: Readonly<Record<string, unknown>>): FormValues {
  const text = (key: FormKey) => (typeof settings[key] === 'string' ? (settings[key] as string) : '');
  const variance = settings.alarm_cash_variance_cents;
  return {
    business_name: text('business_name'),
    business_address: text('business_address'),
    business_phone: text('business_phone'),
    kra_pin: text('kra_pin'),
    time_zone: text('time_zone'),
    business_day_cutoff: text('business_day_cutoff'),
    vat_registered: settings.vat_registered === true,
    alarm_till_silent_minutes: typeof settings.alarm_till_silent_minutes === 'number' ? String(settings.alarm_till_silent_minutes) : '',
    alarm_cash_variance_cents: typeof variance === 'number' ? amountText(variance) : '',
  };
}

/** Only what the owner changed is sent, as the API's values (cents, whole numbers). */
function changesOf(values: FormValues, saved: FormValues): Partial<Record<FormKey, unknown>> {
  const changes: Partial<Record<FormKey, unknown>> = {};
  for (const key of text_keys) if (values[key].trim() !== saved[key]) changes[key] = values[key].trim();
  if (values.vat_registered !== saved.vat_registered) changes.vat_registered = values.vat_registered;
  if (values.alarm_till_silent_minutes.trim() !== saved.alarm_till_silent_minutes) changes.alarm_till_silent_minutes = optionalWholeNumber(values.alarm_till_silent_minutes) ?? Number.NaN;
  if (values.alarm_cash_variance_cents.trim() !== saved.alarm_cash_variance_cents) changes.alarm_cash_variance_cents = parseKes(values.alarm_cash_variance_cents, 'alarm_cash_variance_cents');
  return changes;
}

function SettingsForm({ settings }: { settings: Readonly<Record<string, unknown>> }) {
  const t = useT();
  const words = t.manage.settings;
  const api = useApi();
  const calls = settingsApi(api.http);
  const queryClient = useQueryClient();
  const sessionStore = useSessionStoreApi();
  const [saved, setSaved] = useState(() => valuesOf(settings));
  const [notice, setNotice] = useState<string | null>(null);
  const form = useZodForm({
    t,
    initial: saved,
    schema: settingsFormSchema,
    toInput: (values) => changesOf(values, saved),
    submit: async (changes) => {
      setNotice(null);
      if (Object.keys(changes).length === 0) return setNotice(words.nothing_changed);
      await calls.change(changes);
      setSaved(form.values);
      setNotice(t.manage.saved);
      await queryClient.invalidateQueries({ queryKey: ['settings'] });
      // The name, time zone and cutoff every page formats with come with the session.
      sessionStore.getState().signedIn(await api.auth.session());
    },
  });
  const text = (key: (typeof text_keys)[number], extra: { hint?: string; autoComplete?: string } = {}) => (
    <Field label={words.field[key]} value={form.values[key]} error={form.errors[key]} hint={extra.hint} autoComplete={extra.autoComplete ?? 'off'} onChange={(event) => form.set(key, event.target.value)} />
  );
  return (
    <form className="card" onSubmit={form.onSubmit} noValidate aria-labelledby="settings-business">
      <h2 id="settings-business">{words.business}</h2>
      <div className="form-grid">
        {text('business_name', { autoComplete: 'organization' })}
        {text('business_phone', { hint: words.hint.business_phone })}
        {text('business_address')}
        {text('kra_pin', { hint: words.hint.kra_pin })}
      </div>
      <CheckboxField label={words.field.vat_registered} checked={form.values.vat_registered} error={form.errors.vat_registered} onChange={(event) => form.set('vat_registered', event.target.checked)} />
      <h2>{words.calendar}</h2>
      <div className="form-grid">
        {text('time_zone', { hint: words.hint.time_zone })}
        {text('business_day_cutoff', { hint: words.hint.business_day_cutoff })}
      </div>
      <h2>{words.alarms}</h2>
      <div className="form-grid">
        <Field label={words.field.alarm_till_silent_minutes} inputMode="numeric" value={form.values.alarm_till_silent_minutes} error={form.errors.alarm_till_silent_minutes} hint={words.hint.alarm_till_silent_minutes} onChange={(event) => form.set('alarm_till_silent_minutes', event.target.value)} />
        <Field label={words.field.alarm_cash_variance_cents} inputMode="decimal" value={form.values.alarm_cash_variance_cents} error={form.errors.alarm_cash_variance_cents} hint={words.hint.alarm_cash_variance_cents} onChange={(event) => form.set('alarm_cash_variance_cents', event.target.value)} />
      </div>
      <FormFooter form_error={form.form_error} notice={notice} submitting={form.submitting} submit={t.save} submitting_text={t.saving} />
    </form>
  );
}

function Settings() {
  const t = useT();
  const calls = settingsApi(useApi().http);
  const settings = useQuery({ queryKey: settings_keys.settings, queryFn: calls.read });
  const account = useQuery({ queryKey: settings_keys.mpesa, queryFn: calls.mpesaAccount });
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t.page.settings}</h1>
      <QueryView query={settings}>{(answer) => <SettingsForm settings={answer.settings} />}</QueryView>
      <QueryView query={account}>{(answer) => <MpesaAccountForm account={answer} />}</QueryView>
    </section>
  );
}

export function SettingsPage() {
  return (
    <OwnerOnly>
      <Settings />
    </OwnerOnly>
  );
}
