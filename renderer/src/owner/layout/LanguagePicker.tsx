/** English or Kiswahili, remembered on this browser. */
import { languages, isLanguage } from '../../common/language.js';
import { useT } from '../i18n/i18n.js';
import { useSession } from '../state/use-session.js';

export function LanguagePicker() {
  const t = useT();
  const language = useSession((state) => state.language);
  const setLanguage = useSession((state) => state.setLanguage);
  return (
    <label className="language-picker">
      {t.language}{' '}
      <select value={language} onChange={(event) => isLanguage(event.target.value) && setLanguage(event.target.value)}>
        {languages.map((code) => (
          <option key={code} value={code}>
            {t.language_name[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
