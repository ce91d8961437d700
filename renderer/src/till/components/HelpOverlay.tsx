/** F1: the keys, in the cashier's language (UX "Keys"). */
import { useT } from '../i18n/i18n.js';

export const shortcut_keys = ['F1', 'F2', 'F3', 'F4', 'F6', 'F8', 'F9', 'Esc', 'Del', '*', '+ / -', 'Enter', '↑ / ↓'] as const;

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const t = useT();
  return (
    <div className="help" role="dialog" aria-modal="true" aria-label={t.help_title}>
      <h2>{t.help_title}</h2>
      <dl>
        {shortcut_keys.map((key) => (
          <div key={key}><dt><kbd>{key}</kbd></dt><dd>{t.shortcut[key]}</dd></div>
        ))}
      </dl>
      <button type="button" autoFocus onClick={onClose}>{t.close} (Esc)</button>
    </div>
  );
}
