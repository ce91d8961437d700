/** Cash: type what the customer gave (Enter alone = the exact amount), see the change big. */
import { useState } from 'react';
import { PaymeError, formatKes, parseKes } from '@payme/shared';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { cashTender, type GatheredTender } from './tenders.js';

export function CashPanel({ remaining, onTender }: { remaining: number; onTender: (tender: GatheredTender) => void }) {
  const t = useT();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const preview = changePreview(remaining, text);
  return (
    <form className="tender-panel" aria-label={t.cash}
      onSubmit={(event) => {
        event.preventDefault();
        try {
          const given = text.trim() === '' ? remaining : parseKes(text, t.field_cash_given);
          if (given <= 0) throw new PaymeError('invalid_amount', t.cash_more_than_zero, 'tendered');
          onTender({ tender: cashTender(remaining, given).tender });
          setText('');
          setError(null);
        } catch (tenderError) {
          setError(errorWords(tenderError, t));
        }
      }}>
      <label>
        {t.field_cash_given}
        <input autoFocus inputMode="decimal" autoComplete="off" value={text} placeholder={formatKes(remaining)} onChange={(event) => setText(event.target.value)} />
      </label>
      {preview !== null && preview > 0 && (
        <p className="big-change">{t.change}: <span className="money" data-testid="change-due">{formatKes(preview)}</span></p>
      )}
      {error !== null && <p role="alert" className="error">{error}</p>}
      <button type="submit">{t.take_cash}</button>
    </form>
  );
}

/** The change for what is typed so far, or null while it is not yet an amount. */
function changePreview(remaining: number, text: string): number | null {
  if (text.trim() === '') return null;
  try {
    return cashTender(remaining, parseKes(text)).change;
  } catch {
    return null;
  }
}
