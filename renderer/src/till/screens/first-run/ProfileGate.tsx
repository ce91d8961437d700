/**
 * Before the cashier app: the till's profile through the till API (`tillProfile`). A till that
 * was never enrolled shows the first-run screen; a freshly enrolled one waits for the staff list
 * that the sync agent's first pull brings, asking again every `poll_ms`; then the app starts.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { TillProfile } from '../../app-context.js';
import { useT, type Language } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import type { TillClient } from '../../transport/till-client.js';
import { EnrollScreen } from './EnrollScreen.js';

export function ProfileGate({ till, initial, poll_ms, language, onLanguage, children }: {
  till: TillClient;
  /** A profile already known (tests); otherwise it is asked for at once. */
  initial: TillProfile | undefined;
  poll_ms: number;
  language: Language;
  onLanguage: (language: Language) => void;
  children: (profile: TillProfile) => ReactNode;
}) {
  const t = useT();
  const [profile, setProfile] = useState<TillProfile | null>(initial ?? null);
  const [error, setError] = useState<string | null>(null);
  const waiting = profile === null || (profile.enrolled && profile.staff.length === 0);

  useEffect(() => {
    if (!waiting) return undefined;
    let live = true;
    const load = () =>
      till.tillProfile({}).then(
        (next) => {
          if (!live) return;
          setProfile(next);
          setError(null);
        },
        (loadError: unknown) => {
          if (live) setError(errorWords(loadError, t));
        },
      );
    void load();
    const timer = setInterval(() => void load(), poll_ms);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [waiting, till, poll_ms, t]);

  if (profile === null) {
    return (
      <main className="login" aria-busy={error === null}>
        {error === null ? <p>{t.loading}</p> : <p role="alert" className="error">{error}</p>}
      </main>
    );
  }
  if (!profile.enrolled) {
    return (
      <EnrollScreen
        till={till}
        serverUrlHint={profile.server_url}
        language={language}
        onLanguage={onLanguage}
        // Enrolled: wait for the staff list (the effect above asks until it arrives).
        onEnrolled={(result) => setProfile({ ...profile, enrolled: true, shop_name: result.shop_name, staff: [] })}
      />
    );
  }
  if (profile.staff.length === 0) {
    return (
      <main className="login" aria-label={profile.shop_name}>
        <h1>{profile.shop_name}</h1>
        <p role="status">{t.getting_staff}</p>
        {error !== null && <p role="alert" className="error">{error}</p>}
      </main>
    );
  }
  return children(profile);
}
