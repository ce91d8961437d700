/** The signed-in owner or manager changes their own password (their other sessions end). */
import { useState } from 'react';
import { changePasswordBody } from '@payme/shared';
import { Field, FormError } from '../../components/Field.js';
import { useApi } from '../../deps.js';
import { useZodForm } from '../../forms/use-zod-form.js';
import { useT } from '../../i18n/i18n.js';

const blank = { current_password: '', new_password: '', repeat: '' };

export function ChangePasswordPage() {
  const t = useT();
  const api = useApi();
  const [done, setDone] = useState(false);
  const form = useZodForm({
    t,
    initial: blank,
    schema: changePasswordBody,
    toInput: (values) => ({ current_password: values.current_password, new_password: values.new_password }),
    check: (values) => (values.repeat !== values.new_password ? { repeat: t.password.mismatch } : {}),
    submit: async (body) => {
      await api.auth.changePassword(body);
      form.reset(blank);
      setDone(true);
    },
  });
  return (
    <section aria-labelledby="password-title">
      <h1 id="password-title">{t.password.title}</h1>
      <form className="card narrow" onSubmit={form.onSubmit} noValidate>
        {done && (
          <p className="notice" role="status">
            {t.password.done}
          </p>
        )}
        <Field label={t.password.current} type="password" autoComplete="current-password" value={form.values.current_password} error={form.errors.current_password} onChange={(event) => form.set('current_password', event.target.value)} />
        <Field label={t.password.next} type="password" autoComplete="new-password" value={form.values.new_password} error={form.errors.new_password} onChange={(event) => form.set('new_password', event.target.value)} />
        <Field label={t.password.repeat} type="password" autoComplete="new-password" value={form.values.repeat} error={form.errors.repeat} onChange={(event) => form.set('repeat', event.target.value)} />
        <FormError message={form.form_error} />
        <button type="submit" className="primary" disabled={form.submitting}>
          {form.submitting ? t.saving : t.password.submit}
        </button>
      </form>
    </section>
  );
}
