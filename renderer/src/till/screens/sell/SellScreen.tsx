/** The sell screen (UX 2): search/scan, cart, totals, favourites, discounts, customer, park. */
import { useMemo, useState } from 'react';
import { PaymeError, formatKes, type ParkedSaleRecord } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { useApp, useCart } from '../../state/use-store.js';
import { priceCartPreview } from '../../pricing/cart-pricing.js';
import { useHotkeys } from '../../use-hotkeys.js';
import { useApproval } from '../../components/approval.js';
import { SearchBox } from './SearchBox.js';
import { CartTable, type LineEditMode } from './CartTable.js';
import { Totals } from './Totals.js';
import { Favourites } from './Favourites.js';
import { ParkedSales } from './ParkedSales.js';
import { parsePercentBp, formatPercentBp } from './percent.js';

export function SellScreen() {
  const t = useT();
  const { till } = useDeps();
  const newId = useNewId();
  const runWithApproval = useApproval();
  const cart = useCart((s) => s.cart);
  const dispatch = useCart((s) => s.dispatch);
  const show = useApp((s) => s.show);
  const showReceipt = useApp((s) => s.showReceipt);
  const totals = useMemo(() => priceCartPreview(cart.lines, cart.discount_bp), [cart.lines, cart.discount_bp]);
  const [editing, setEditing] = useState<LineEditMode | null>(null);
  const [saleDiscountOpen, setSaleDiscountOpen] = useState(false);
  const [parkedOpen, setParkedOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const resume = async (parked: ParkedSaleRecord) => {
    const record = await till.resumeParkedSale({ sale_id: parked.sale_id });
    if (record.payment_state === 'succeeded') {
      const sale = await runWithApproval((approval) =>
        till.completeSale({
          command_id: newId(),
          sale_id: record.sale_id,
          lines: record.lines.map((line) => ({ product_id: line.product_id, quantity: line.quantity, unit_price: line.unit_price })),
          ...(record.customer_id !== undefined ? { customer_id: record.customer_id } : {}),
          tenders: [{ kind: 'mpesa', amount: record.total, payment_id: record.payment_id }],
          parked: true,
          ...(approval ? { approval } : {}),
        }),
      );
      setParkedOpen(false);
      dispatch({ type: 'reset', sale_id: newId() });
      showReceipt(sale.sale_id, true);
      return;
    }
    // Still waiting: taking another tender now could charge the customer twice.
    if (record.payment_state === undefined || ['created', 'requested', 'unknown'].includes(record.payment_state)) {
      throw new PaymeError('payment_pending', t.parked_still_waiting);
    }
    // Failed, cancelled or expired: back into the cart, to pay again or another way.
    dispatch({
      type: 'load',
      state: {
        sale_id: record.sale_id,
        lines: record.lines.map((line) => ({
          product: { product_id: line.product_id, name: line.name, unit: line.unit, unit_price: line.unit_price, vat_class: line.vat_class },
          quantity: line.quantity,
        })),
        selected: 0,
        discount_bp: 0,
        customer: null,
        parked: true,
      },
    });
    setParkedOpen(false);
    setMessage(t.parked_resumed);
  };

  useHotkeys({
    F6: () => (cart.lines.length === 0 ? setParkedOpen(true) : setMessage(t.park_from_pay)),
  }, !parkedOpen);

  return (
    <main className="sell" aria-label={t.sell}>
      <div className="sell-left">
        <SearchBox onEditLine={setEditing} disabled={parkedOpen} />
        <CartTable totals={totals} editing={editing} onEdit={setEditing} />
        {message !== null && <p role="status">{message}</p>}
        <Favourites />
      </div>
      <aside className="sell-right">
        {cart.customer !== null && (
          <p className="customer">
            {t.customer}: <strong>{cart.customer.name}</strong> · {t.balance}: {formatKes(cart.customer.balance)}
            <button type="button" onClick={() => dispatch({ type: 'attachCustomer', customer: null })}>{t.detach}</button>
          </p>
        )}
        <Totals totals={totals} />
        {saleDiscountOpen ? (
          <SaleDiscountEditor onDone={() => setSaleDiscountOpen(false)} />
        ) : (
          <button type="button" onClick={() => setSaleDiscountOpen(true)}>
            {t.sale_discount}{cart.discount_bp > 0 ? `: ${formatPercentBp(cart.discount_bp)}` : ''}
          </button>
        )}
        <button type="button" onClick={() => show('customers')}>{t.customer} (F3)</button>
        <button type="button" className="primary" disabled={cart.lines.length === 0} onClick={() => show('pay')}>{t.pay} (F4)</button>
      </aside>
      {parkedOpen && <ParkedSales onResume={resume} onClose={() => setParkedOpen(false)} />}
    </main>
  );
}

function SaleDiscountEditor({ onDone }: { onDone: () => void }) {
  const t = useT();
  const dispatch = useCart((s) => s.dispatch);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form className="line-editor" onKeyDown={(event) => { if (event.key === 'Escape') { event.stopPropagation(); onDone(); } }}
      onSubmit={(event) => {
        event.preventDefault();
        try {
          dispatch({ type: 'setSaleDiscount', discount_bp: parsePercentBp(text, t.field_sale_discount) });
          onDone();
        } catch (saveError) {
          setError(errorWords(saveError, t));
        }
      }}>
      <label>{t.field_sale_discount}<input autoFocus value={text} onChange={(event) => setText(event.target.value)} /></label>
      <button type="submit">OK</button>
      {error !== null && <span role="alert" className="error">{error}</span>}
    </form>
  );
}
