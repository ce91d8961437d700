/** The total in large digits with the VAT included, discounts and the rounding line. */
import { formatKes } from '@payme/shared';
import { useT } from '../../i18n/i18n.js';
import { useCartTotals } from '../../state/use-store.js';

export function Totals() {
  const t = useT();
  const totals = useCartTotals();
  return (
    <section className="totals" aria-label={t.total}>
      {totals.discount > 0 && <p>{t.discount}: <span className="money">−{formatKes(totals.discount)}</span></p>}
      <p>{t.vat_included}: <span className="money" data-testid="vat-total">{formatKes(totals.vat_total)}</span></p>
      {totals.rounding !== 0 && <p>{t.rounding}: <span className="money">{formatKes(totals.rounding)}</span></p>}
      <p className="big-total">{t.total}: <span className="money" data-testid="cart-total">{formatKes(totals.total)}</span></p>
    </section>
  );
}
