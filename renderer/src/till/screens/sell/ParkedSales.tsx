/**
 * Parked sales (F6 with an empty cart): a sale waiting for M-Pesa is resumed here. A paid one
 * completes at once; one whose payment failed goes back into the cart to be paid another way.
 */
import { useEffect, useState } from 'react';
import { formatKes, type ParkedSaleRecord, formatPhoneKe } from '@payme/shared';
import { useDeps } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';

export function ParkedSales({ onResume, onClose }: { onResume: (sale: ParkedSaleRecord) => Promise<void>; onClose: () => void }) {
  const t = useT();
  const { till } = useDeps();
  const [sales, setSales] = useState<ParkedSaleRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    till.listParkedSales({}).then(({ sales: found }) => setSales(found), (listError: unknown) => setError(errorWords(listError, t)));
  }, [till, t]);
  return (
    <div className="panel" role="dialog" aria-label={t.parked_sales} onKeyDown={(event) => { if (event.key === 'Escape') { event.stopPropagation(); onClose(); } }}>
      <h2>{t.parked_sales}</h2>
      {error !== null && <p role="alert" className="error">{error}</p>}
      {sales !== null && sales.length === 0 && <p>{t.parked_none}</p>}
      <ul>
        {(sales ?? []).map((sale, index) => (
          <li key={sale.sale_id}>
            <button type="button" autoFocus={index === 0} onClick={() => {
              onResume(sale).catch((resumeError: unknown) => setError(errorWords(resumeError, t)));
            }}>
              {formatKes(sale.total)} · {sale.phone === undefined ? '' : formatPhoneKe(sale.phone)} · {t.payment_state_words[sale.payment_state ?? 'requested']}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onClose}>{t.cancel_esc}</button>
    </div>
  );
}
