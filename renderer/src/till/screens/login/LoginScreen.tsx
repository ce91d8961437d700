/**
 * Staff login (UX 1): pick your name, type a 4–6 digit PIN. Five wrong PINs lock the name for
 * five minutes; a manager can unlock it here with their own PIN. The same screen, with the name
 * fixed, is the lock screen.
 */
import { useState } from 'react';
import type { StaffRecord } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT, languages, type Language } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { TillCallError, isTillCallError } from '../../transport/transport.js';
import { ApprovalCancelled, useApproval } from '../../components/approval.js';

export function LoginScreen({ lockedStaff, language, onLanguage, onLoggedIn }: {
  /** Set on the lock screen: only this person (or a manager) can come back in. */
  lockedStaff: StaffRecord | null;
  language: Language;
  onLanguage: (language: Language) => void;
  onLoggedIn: (staff: StaffRecord) => void;
}) {
  const t = useT();
  const { till, profile } = useDeps();
  const newId = useNewId();
  const runWithApproval = useApproval();
  const [staffId, setStaffId] = useState(lockedStaff?.staff_id ?? profile.staff[0]?.staff_id ?? '');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [lockedOut, setLockedOut] = useState(false);

  const login = async () => {
    setError(null);
    try {
      const { staff } = await till.login({ staff_id: staffId, pin });
      onLoggedIn(staff);
    } catch (loginError) {
      setPin('');
      setLockedOut(isTillCallError(loginError) && loginError.code === 'pin_locked');
      setError(errorWords(loginError, t));
    }
  };

  const unlock = async () => {
    try {
      // Unlocking always needs a manager: ask straight away rather than try without.
      await runWithApproval((approval) => {
        if (approval === undefined) return Promise.reject(new TillCallError('approval_required', t.unlock_needs_manager));
        return till.unlockStaff({ command_id: newId(), staff_id: staffId, approval });
      });
      setLockedOut(false);
      setError(t.unlocked);
    } catch (unlockError) {
      if (!(unlockError instanceof ApprovalCancelled)) setError(errorWords(unlockError, t));
    }
  };

  return (
    <main className="login" aria-label={lockedStaff !== null ? t.locked_title : t.login_title}>
      <h1>{lockedStaff !== null ? t.locked_title : t.login_title}</h1>
      <p>{profile.shop_name} · {profile.till_label}</p>
      {profile.staff.length === 0 && <p role="alert" className="error">{t.no_staff}</p>}
      <form onSubmit={(event) => { event.preventDefault(); void login(); }}>
        {lockedStaff !== null ? (
          <p>{t.locked_by(lockedStaff.name)}</p>
        ) : (
          <label>
            {t.field_name}
            <select value={staffId} onChange={(event) => setStaffId(event.target.value)}>
              {profile.staff.map((person) => <option key={person.staff_id} value={person.staff_id}>{t.staff_option(person.name, t.role_words[person.role])}</option>)}
            </select>
          </label>
        )}
        <label>
          {t.field_pin}
          <input autoFocus type="password" inputMode="numeric" autoComplete="off" maxLength={6} value={pin} onChange={(event) => setPin(event.target.value)} />
        </label>
        <button type="submit" className="primary">{t.log_in}</button>
        {error !== null && <p role="alert" className="error">{error}</p>}
        {lockedOut && <button type="button" onClick={() => void unlock()}>{t.manager_unlock}</button>}
      </form>
      <div className="language-switch" role="group" aria-label={t.language}>
        {languages.map((lang) => (
          <button key={lang} type="button" aria-pressed={lang === language} onClick={() => onLanguage(lang)}>{lang === 'en' ? 'English' : 'Kiswahili'}</button>
        ))}
      </div>
    </main>
  );
}
