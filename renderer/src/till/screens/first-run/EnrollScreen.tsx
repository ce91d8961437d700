/**
 * First run (UX 1, IT 1): a till that has never synced asks for the server address and the
 * enrollment code from the owner, and the till's name (prefilled) — nothing else. The till host
 * exchanges them at the server; a refusal names the field in plain words and puts the cursor there.
 */
import { useRef, useState, type RefObject } from 'react';
import type { TillOutput } from '@payme/shared';
import { useT, languages, type Language, type Messages } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { isTillCallError } from '../../transport/transport.js';
import type { TillClient } from '../../transport/till-client.js';

type Field = 'server_url' | 'code' | 'name';

/** Which field a refusal is about, and the words for it. */
export function enrollErrorWords(error: unknown, t: Messages): { field: Field | null; text: string } {
  if (!isTillCallError(error)) return { field: null, text: errorWords(error, t) };
  const field = error.field?.split('.')[0];
  if (field === 'server_url') {
    return { field, text: error.code === 'offline' ? t.enroll_unreachable : t.enroll_bad_server };
  }
  if (field === 'code' || error.code.startsWith('enrollment_code')) return { field: 'code', text: `${t.enroll_bad_code} (${error.message})` };
  if (field === 'name') return { field, text: t.enroll_bad_name };
  return { field: null, text: errorWords(error, t) };
}

export function EnrollScreen({ till, serverUrlHint, language, onLanguage, onEnrolled }: {
  till: TillClient;
  /** The address the till program was started with, if any. */
  serverUrlHint: string | undefined;
  language: Language;
  onLanguage: (language: Language) => void;
  onEnrolled: (result: TillOutput<'enroll'>) => void;
}) {
  const t = useT();
  const [serverUrl, setServerUrl] = useState(serverUrlHint ?? '');
  const [code, setCode] = useState('');
  const [name, setName] = useState(t.till_name_default);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: Field | null; text: string } | null>(null);
  const refs: Record<Field, RefObject<HTMLInputElement | null>> = { server_url: useRef(null), code: useRef(null), name: useRef(null) };

  const enroll = async () => {
    setBusy(true);
    setError(null);
    try {
      onEnrolled(await till.enroll({ server_url: serverUrl, code, name }));
    } catch (enrollError) {
      const words = enrollErrorWords(enrollError, t);
      setError(words);
      if (words.field !== null) refs[words.field].current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const invalid = (field: Field) => (error?.field === field ? { 'aria-invalid': true, 'aria-describedby': 'enroll-error' } : {});
  return (
    <main className="login first-run" aria-label={t.first_run_title}>
      <h1>{t.first_run_title}</h1>
      <p>{t.first_run_intro}</p>
      <form onSubmit={(event) => { event.preventDefault(); if (!busy) void enroll(); }}>
        <label>
          {t.field_server_url}
          <input ref={refs.server_url} type="url" autoFocus={serverUrl === ''} autoComplete="off" placeholder="https://" value={serverUrl} onChange={(event) => setServerUrl(event.target.value)} {...invalid('server_url')} />
        </label>
        <label>
          {t.field_enroll_code}
          <input ref={refs.code} autoFocus={serverUrl !== ''} autoComplete="off" spellCheck={false} value={code} onChange={(event) => setCode(event.target.value)} {...invalid('code')} />
        </label>
        <label>
          {t.field_till_name}
          <input ref={refs.name} autoComplete="off" value={name} onChange={(event) => setName(event.target.value)} {...invalid('name')} />
        </label>
        <button type="submit" className="primary" disabled={busy}>{busy ? t.enrolling : t.enroll}</button>
        {error !== null && <p role="alert" id="enroll-error" className="error">{error.text}</p>}
      </form>
      <div className="language-switch" role="group" aria-label={t.language}>
        {languages.map((lang) => (
          <button key={lang} type="button" aria-pressed={lang === language} onClick={() => onLanguage(lang)}>{lang === 'en' ? 'English' : 'Kiswahili'}</button>
        ))}
      </div>
    </main>
  );
}
