/**
 * Parked sales (F6 with an empty cart): carts held with F6 come back here as they were, and a
 * sale waiting for M-Pesa is resumed here. A paid one
 * completes at once; one whose payment failed goes back into the cart to be paid another way.
 */
import { useEffect, useState } from 'react';
import { formatKes, type ParkedSaleRecord, formatPhoneKe } from '@payme/shared';
import { useDeps } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { priceCartPreview } from '../../pricing/cart-pricing.js';

export function ParkedSales({ onResume, onResumeHeld, onClose }: { onResume: (sale: ParkedSaleRecord) => Promise<void>; onResumeHeld: (sale_id: string) => void; onClose: () => void }) {
  const t = useT();
  const { till, held_carts } = useDeps();
  const [held] = useState(() => held_carts.list());
  const [sales, setSales] = useState<ParkedSaleRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    till.listParkedSales({}).then(({ sales: found }) => setSales(found), (listError: unknown) => setError(errorWords(listError, t)));
  }, [till, t]);
  return (
    <div className="panel" role="dialog" aria-label={t.parked_sales} onKeyDown={(event) => { if (event.key === 'Escape') { event.stopPropagation(); onClose(); } }}>
      <h2>{t.parked_sales}</h2>
      {error !== null && <p role="alert" className="error">{error}</p>}
      {sales !== null && sales.length === 0 && held.length === 0 && <p>{t.parked_none}</p>}
      <ul>
        {held.map((entry, index) => (
          <li key={entry.cart.sale_id}>
            <button type="button" autoFocus={index === 0} onClick={() => onResumeHeld(entry.cart.sale_id)}>
              {t.held_cart(entry.cart.lines.length, formatKes(priceCartPreview(entry.cart.lines, entry.cart.discount_bp).total))}
            </button>
          </li>
        ))}
        {(sales ?? []).map((sale, index) => (
          <li key={sale.sale_id}>
            <button type="button" autoFocus={index === 0 && held.length === 0} onClick={() => {
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
