/**
 * Sign-in (UX owner 1): email and password; the session is the server's httpOnly cookie. After
 * a session ended on its own, the page says why (expired, signed out elsewhere).
 */
import { loginBody } from '@payme/shared';
import { isOwnerApiError } from '../../api/owner-http.js';
import { WordsError } from '../../error-words.js';
import { Field, FormError } from '../../components/Field.js';
import { useApi } from '../../deps.js';
import { useZodForm } from '../../forms/use-zod-form.js';
import { useT, type Messages } from '../../i18n/i18n.js';
import { useSession } from '../../state/use-session.js';
import { LanguagePicker } from '../../layout/LanguagePicker.js';

function reasonWords(reason: string | null, t: Messages): string | null {
  if (reason === 'session_expired') return t.login.expired;
  if (reason === 'logged_out') return t.login.logged_out;
  if (reason === 'invalid_token' || reason === 'unauthenticated') return t.login.signed_out;
  return null;
}

export function LoginPage() {
  const t = useT();
  const api = useApi();
  const reason = useSession((state) => state.signed_out_reason);
  const signedIn = useSession((state) => state.signedIn);
  const form = useZodForm({
    t,
    initial: { email: '', password: '' },
    schema: loginBody,
    toInput: (values) => ({ email: values.email.trim(), password: values.password }),
    submit: async (body) => {
      try {
        await api.auth.login(body);
      } catch (error) {
        if (isOwnerApiError(error) && error.code === 'invalid_credentials') throw new WordsError(t.login.wrong);
        if (isOwnerApiError(error) && error.code === 'business_required') throw new WordsError(t.login.several);
        // The per-account wait can be up to 15 minutes: say how long, from the server's Retry-After.
        if (isOwnerApiError(error) && error.code === 'login_throttled') throw new WordsError(t.login.throttled(Math.ceil(Number(error.details.retry_after_seconds ?? 60) / 60)));
        if (isOwnerApiError(error) && error.status === 429) throw new WordsError(t.login.rate_limited);
        throw error;
      }
      signedIn(await api.auth.session());
    },
  });
  const notice = reasonWords(reason, t);
  return (
    <main className="login-page">
      <form className="card login" onSubmit={form.onSubmit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">{t.login.title}</h1>
        {notice !== null && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <Field label={t.login.email} type="email" autoComplete="username" value={form.values.email} error={form.errors.email} onChange={(event) => form.set('email', event.target.value)} />
        <Field label={t.login.password} type="password" autoComplete="current-password" value={form.values.password} error={form.errors.password} onChange={(event) => form.set('password', event.target.value)} />
        <FormError message={form.form_error} />
        <button type="submit" className="primary" disabled={form.submitting}>
          {form.submitting ? t.login.submitting : t.login.submit}
        </button>
        <LanguagePicker />
      </form>
    </main>
  );
}
