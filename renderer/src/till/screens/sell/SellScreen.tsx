/** The sell screen (UX 2): search/scan, cart, totals, favourites, discounts, customer, park. */
import { useEffect, useState } from 'react';
import { PaymeError, formatKes, type ParkedSaleRecord } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { useApp, useCart, useStoreApis } from '../../state/use-store.js';
import { cartLinesInput } from '../../state/cart-state.js';
import { cartFromParked } from '../../state/parked-carts.js';
import { tenderedSum } from '../pay/tenders.js';
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
  const { till, parked_carts, held_carts, clock } = useDeps();
  const newId = useNewId();
  const runWithApproval = useApproval();
  // Only what this screen shows itself: a scan changes the lines, which the cart table and the
  // totals subscribe to, so it re-renders those and not the whole screen (issue 17).
  const { cart: cartStore } = useStoreApis();
  const hasLines = useCart((s) => s.cart.lines.length > 0);
  const customer = useCart((s) => s.cart.customer);
  const discountBp = useCart((s) => s.cart.discount_bp);
  const dispatch = useCart((s) => s.dispatch);
  const show = useApp((s) => s.show);
  const showReceipt = useApp((s) => s.showReceipt);
  const [editing, setEditing] = useState<LineEditMode | null>(null);
  const [saleDiscountOpen, setSaleDiscountOpen] = useState(false);
  const [parkedOpen, setParkedOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  // Sales need an open shift: say so on arrival, not only at payment (issue 17).
  const [noShift, setNoShift] = useState(false);
  useEffect(() => {
    let live = true;
    till.currentShift({}).then(({ shift }) => live && setNoShift(shift === null), () => undefined);
    return () => {
      live = false;
    };
  }, [till]);

  const resume = async (parked: ParkedSaleRecord) => {
    const record = await till.resumeParkedSale({ sale_id: parked.sale_id });
    // The cart as it was parked, discounts, price changes and early tenders included (see parked-carts.ts).
    const { cart: fromRecord, exact } = cartFromParked(record, parked_carts.get(record.sale_id));
    // The record names the customer by id only: fetch them so a credit tender still works.
    const restored = fromRecord.customer === null && record.customer_id !== undefined
      ? { ...fromRecord, customer: (await till.customerStatement({ customer_id: record.customer_id, limit: 1 })).customer }
      : fromRecord;
    const mpesaTender = { kind: 'mpesa' as const, amount: record.total - tenderedSum(restored.tenders), payment_id: record.payment_id };
    if (record.payment_state === 'succeeded' && !exact) {
      // Paid, but the cart does not price to what was paid: the cashier fixes it (with a manager
      // where needed) with the M-Pesa payment already among the tenders, then completes.
      dispatch({ type: 'load', state: { ...restored, tenders: [...restored.tenders, { tender: mpesaTender }] } });
      setParkedOpen(false);
      setMessage(t.parked_discounts_not_restored);
      return;
    }
    if (record.payment_state === 'succeeded') {
      const sale = await runWithApproval((approval) =>
        till.completeSale({
          command_id: newId(),
          sale_id: record.sale_id,
          lines: cartLinesInput(restored),
          ...(restored.discount_bp > 0 ? { discount_bp: restored.discount_bp } : {}),
          ...(record.customer_id !== undefined ? { customer_id: record.customer_id } : {}),
          // Whatever was paid before parking (cash towards a split), then the M-Pesa payment.
          tenders: [...restored.tenders.map((gathered) => gathered.tender), mpesaTender],
          parked: true,
          ...(approval ? { approval } : {}),
        }),
      );
      parked_carts.forget(record.sale_id);
      setParkedOpen(false);
      dispatch({ type: 'reset', sale_id: newId() });
      showReceipt(sale.sale_id, true);
      return;
    }
    // Still waiting: taking another tender now could charge the customer twice.
    if (record.payment_state === undefined || ['created', 'requested', 'unknown'].includes(record.payment_state)) {
      // The words are the code's own (error-words): nothing more to say in brackets.
      throw new PaymeError('payment_pending', '');
    }
    // Failed, cancelled or expired: back into the cart, to pay again or another way.
    dispatch({ type: 'load', state: restored });
    setParkedOpen(false);
    setMessage(exact ? t.parked_resumed : `${t.parked_resumed} ${t.parked_discounts_not_restored}`);
  };

  // F6 with items puts the cart aside for the next customer (issue 17, UX 3); with none, lists
  // what is parked (held carts, and sales waiting for M-Pesa).
  const holdCart = () => {
    const { cart } = cartStore.getState();
    if (cart.tenders.length > 0) return setMessage(t.park_from_pay);
    held_carts.hold(cart, clock.now());
    dispatch({ type: 'reset', sale_id: newId() });
    setMessage(t.cart_held(held_carts.list().length));
  };
  const resumeHeld = (sale_id: string) => {
    const held = held_carts.take(sale_id);
    if (held !== undefined) dispatch({ type: 'load', state: held });
    setParkedOpen(false);
    setMessage(t.cart_resumed);
  };
  useHotkeys({
    F6: () => (cartStore.getState().cart.lines.length === 0 ? setParkedOpen(true) : holdCart()),
  }, !parkedOpen);

  return (
    <main className="sell" aria-label={t.sell}>
      <div className="sell-left">
        {noShift && (
          <p className="shift-prompt">
            {t.shift_prompt} <button type="button" onClick={() => show('shift')}>{t.open_shift} (F9)</button>
          </p>
        )}
        <SearchBox onEditLine={setEditing} disabled={parkedOpen} />
        <CartTable editing={editing} onEdit={setEditing} />
        {message !== null && <p role="status">{message}</p>}
        <Favourites />
      </div>
      <aside className="sell-right">
        {customer !== null && (
          <p className="customer">
            {t.customer}: <strong>{customer.name}</strong> · {t.balance}: {formatKes(customer.balance)}
            <button type="button" onClick={() => dispatch({ type: 'attachCustomer', customer: null })}>{t.detach}</button>
          </p>
        )}
        <Totals />
        {saleDiscountOpen ? (
          <SaleDiscountEditor onDone={() => setSaleDiscountOpen(false)} />
        ) : (
          <button type="button" onClick={() => setSaleDiscountOpen(true)}>
            {t.sale_discount}{discountBp > 0 ? `: ${formatPercentBp(discountBp)}` : ''}
          </button>
        )}
        <button type="button" onClick={() => show('customers')}>{t.customer} (F3)</button>
        <button type="button" className="primary" disabled={!hasLines} onClick={() => show('pay')}>{t.pay} (F4)</button>
      </aside>
      {parkedOpen && <ParkedSales onResume={resume} onResumeHeld={resumeHeld} onClose={() => setParkedOpen(false)} />}
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
