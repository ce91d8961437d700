/**
 * Pay (F4, UX 3): cash, M-Pesa (STK or a typed code offline), credit, and splits of them. The
 * sale completes only when the tenders add up to the total; completing asks for a manager right
 * here when the ledger says so (price overrides, discounts, credit over the limit).
 */
import { useMemo, useRef, useState } from 'react';
import { formatKes } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { isTillCallError } from '../../transport/transport.js';
import { useApp, useCart } from '../../state/use-store.js';
import { cartLinesInput } from '../../state/cart-state.js';
import { priceCartPreview } from '../../pricing/cart-pricing.js';
import { ApprovalCancelled, useApproval } from '../../components/approval.js';
import { CashPanel } from './CashPanel.js';
import { MpesaPanel } from './MpesaPanel.js';
import { CreditPanel } from './CreditPanel.js';
import { remainingToPay, type GatheredTender } from './tenders.js';

type Method = 'cash' | 'mpesa' | 'credit';

export function PayScreen() {
  const t = useT();
  const { till, clock, parked_carts } = useDeps();
  const newId = useNewId();
  const runWithApproval = useApproval();
  const cart = useCart((s) => s.cart);
  const dispatch = useCart((s) => s.dispatch);
  const show = useApp((s) => s.show);
  const showReceipt = useApp((s) => s.showReceipt);
  const offline = useApp((s) => s.sync !== null && !s.sync.online);
  const totals = useMemo(() => priceCartPreview(cart.lines, cart.discount_bp), [cart.lines, cart.discount_bp]);
  const tenders = cart.tenders;
  const [method, setMethod] = useState<Method>('cash');
  const [mpesaPaid, setMpesaPaid] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One command id per attempt: resending after a lost answer is safe (the ledger returns the
  // first result); after a clear refusal nothing was written, so the next attempt gets a new id.
  const commandId = useRef<string>(newId());
  const remaining = remainingToPay(totals.total, tenders);

  const complete = async (gathered: GatheredTender[]) => {
    if (remainingToPay(totals.total, gathered) !== 0) {
      setError(t.tenders_must_add_up(formatKes(remainingToPay(totals.total, gathered))));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const sale = await runWithApproval((approval) =>
        till.completeSale({
          command_id: commandId.current,
          sale_id: cart.sale_id,
          lines: cartLinesInput(cart),
          ...(cart.discount_bp > 0 ? { discount_bp: cart.discount_bp } : {}),
          ...(cart.customer !== null ? { customer_id: cart.customer.customer_id } : {}),
          tenders: gathered.map((gatheredTender) => gatheredTender.tender),
          ...(cart.parked ? { parked: true } : {}),
          ...(approval ? { approval } : {}),
        }),
      );
      if (cart.parked) parked_carts.forget(cart.sale_id);
      dispatch({ type: 'reset', sale_id: newId() });
      showReceipt(sale.sale_id, true);
    } catch (completeError) {
      if (isTillCallError(completeError) && completeError.code !== 'offline' && completeError.code !== 'internal') commandId.current = newId();
      if (!(completeError instanceof ApprovalCancelled)) setError(errorWords(completeError, t));
    } finally {
      setBusy(false);
    }
  };

  const addTender = (tender: GatheredTender) => {
    const next = [...tenders, tender];
    dispatch({ type: 'addTender', tender });
    setError(null);
    // The fast path: a tender that settles the sale completes it (cash + Enter, done).
    if (remainingToPay(totals.total, next) === 0) void complete(next);
    else setMethod(tender.tender.kind === 'cash' ? 'mpesa' : 'cash');
  };

  const park = async (payment_id: string, phone: string) => {
    await till.parkSale({
      command_id: newId(),
      sale_id: cart.sale_id,
      payment_id,
      lines: cartLinesInput(cart),
      ...(cart.discount_bp > 0 ? { discount_bp: cart.discount_bp } : {}),
      ...(cart.customer !== null ? { customer_id: cart.customer.customer_id } : {}),
      phone,
      // Cash (or another tender) already taken towards a split: recorded with the parked sale,
      // counted in the shift when it completes.
      ...(tenders.length > 0 ? { tenders: tenders.map((gathered) => gathered.tender) } : {}),
    });
    parked_carts.save(cart, clock.now());
    dispatch({ type: 'reset', sale_id: newId() });
    show('sell');
  };

  return (
    <main className="pay" aria-label={t.pay}>
      <section className="pay-summary">
        <p className="big-total">{t.total}: <span className="money" data-testid="pay-total">{formatKes(totals.total)}</span></p>
        <ul aria-label={t.tenders}>
          {tenders.map((gathered, index) => (
            <li key={index}>
              {t.tender_kind[gathered.tender.kind]} <span className="money">{formatKes(gathered.tender.amount)}</span>
              {gathered.mpesa_receipt !== undefined && ` · ${gathered.mpesa_receipt}`}
              <button type="button" aria-label={t.remove_tender} onClick={() => dispatch({ type: 'removeTender', index })}>✕</button>
            </li>
          ))}
        </ul>
        {/* Paid by M-Pesa and waiting for Continue: nothing is "still to pay" any more (issue 17). */}
        {mpesaPaid ? (
          <p className="remaining">{t.mpesa_paid_press_continue}</p>
        ) : (
          <p className="remaining">{t.still_to_pay}: <span className="money" data-testid="remaining">{formatKes(Math.max(0, remaining))}</span></p>
        )}
        <button type="button" className="primary" disabled={busy || remaining !== 0} onClick={() => void complete(tenders)}>{t.complete_sale}</button>
        <button type="button" onClick={() => show('sell')}>{t.back_to_cart} (Esc)</button>
      </section>
      <section className="pay-methods">
        <div role="tablist" aria-label={t.pay_with}>
          {(['cash', 'mpesa', 'credit'] as const).map((kind) => (
            <button key={kind} type="button" role="tab" aria-selected={method === kind} onClick={() => setMethod(kind)}>{t.tender_kind[kind]}</button>
          ))}
        </div>
        {remaining > 0 && method === 'cash' && <CashPanel remaining={remaining} onTender={addTender} />}
        {remaining > 0 && method === 'mpesa' && (
          <MpesaPanel key={tenders.length} sale_id={cart.sale_id} remaining={remaining} offline={offline} default_phone={cart.customer?.phone}
            onTender={addTender} onPayAnotherWay={() => setMethod('cash')} onPark={park} onPaid={setMpesaPaid} />
        )}
        {remaining > 0 && method === 'credit' && (
          <CreditPanel remaining={remaining} customer={cart.customer} onTender={addTender} onPickCustomer={() => show('customers')} />
        )}
        {error !== null && <p role="alert" className="error">{error}</p>}
      </section>
    </main>
  );
}
