/**
 * The receipt after a sale and for reprints (UX 4). A just-completed sale prints at once: raw
 * ESC/POS with the drawer kick when the host has a thermal printer, else the host's print (silent
 * in Electron, the dialog in a browser). Enter starts the next sale.
 */
import { useEffect, useRef, useState } from 'react';
import { useDeps } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { useApp } from '../../state/use-store.js';
import { buildReceipt, type ReceiptModel } from '../../receipt/receipt-model.js';

export function ReceiptView({ sale_id, autoPrint }: { sale_id: string; autoPrint: boolean }) {
  const t = useT();
  const { till, profile, print } = useDeps();
  const show = useApp((s) => s.show);
  const [receipt, setReceipt] = useState<ReceiptModel | null>(null);
  const [error, setError] = useState<string | null>(null);
  const printed = useRef(false);
  const next = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      const record = await till.getSale({ sale_id });
      const creditCustomer = record.sale.tenders.some((tender) => tender.kind === 'credit') ? record.sale.customer_id : undefined;
      const balance = creditCustomer !== undefined ? (await till.customerStatement({ customer_id: creditCustomer, limit: 1 })).customer.balance : undefined;
      if (live) setReceipt(buildReceipt(record, profile, balance));
    })().catch((loadError: unknown) => live && setError(errorWords(loadError, t)));
    return () => {
      live = false;
    };
  }, [till, sale_id, profile, t]);

  const doPrint = async (model: ReceiptModel, openDrawer: boolean) => {
    try {
      if (print.printEscPos !== undefined) {
        // Loaded on the first thermal print: the encoder (~100 KB) is not needed to start selling.
        const { encodeReceipt } = await import('../../receipt/escpos.js');
        await print.printEscPos(encodeReceipt(model, t, { columns: 32, open_drawer: openDrawer }));
      } else {
        await print.printReceipt();
      }
    } catch (printError) {
      setError(`${t.print_failed} ${errorWords(printError, t)}`);
    }
  };

  useEffect(() => {
    if (receipt === null || !autoPrint || printed.current) return;
    printed.current = true;
    void doPrint(receipt, receipt.opens_drawer);
  }, [receipt, autoPrint]);

  if (error !== null && receipt === null) return <p role="alert" className="error">{error}</p>;
  if (receipt === null) return <p role="status">{t.loading}</p>;
  const change = receipt.change;
  return (
    <main className="receipt-screen" aria-label={t.receipt}>
      {change !== undefined && <p className="big-change">{t.change}: <span className="money" data-testid="receipt-change">{change}</span></p>}
      <article className="receipt" aria-label={t.receipt}>
        <h2>{receipt.shop_name}</h2>
        {receipt.kra_pin !== undefined && <p>KRA PIN {receipt.kra_pin}</p>}
        <p>{receipt.till_label} · {t.receipt_no} <strong data-testid="receipt-no">{receipt.receipt_no}</strong></p>
        <p>{t.cashier}: {receipt.cashier} · {receipt.time}</p>
        {receipt.status !== 'completed' && <p className="warning">{t.sale_status[receipt.status]}</p>}
        <table>
          <tbody>
            {receipt.lines.map((line, index) => (
              <tr key={index}><td>{line.name}<br /><small>{line.detail}</small></td><td className="money">{line.amount}</td></tr>
            ))}
          </tbody>
        </table>
        {receipt.discount !== undefined && <p>{t.discount}: −{receipt.discount}</p>}
        {receipt.rounding !== undefined && <p>{t.rounding}: {receipt.rounding}</p>}
        <p className="receipt-total">{t.total}: <strong>{receipt.total}</strong></p>
        <p>{t.vat_included}: {receipt.vat_total}</p>
        {receipt.tenders.map((tender, index) => (
          <p key={index}>
            {t.tender_kind[tender.kind]}: {tender.amount}
            {tender.kind === 'mpesa' && tender.note !== undefined && <> · {t.mpesa_receipt_no} <strong>{tender.note}</strong></>}
          </p>
        ))}
        {change !== undefined && <p>{t.change}: {change}</p>}
        {receipt.credit_balance !== undefined && <p>{t.credit_new_balance}: {receipt.credit_balance}</p>}
      </article>
      {error !== null && <p role="alert" className="error">{error}</p>}
      {/* After printing again the cursor goes back to "Next sale", so Enter starts it (issue 17). */}
      <button type="button" onClick={() => void doPrint(receipt, false).finally(() => next.current?.focus())}>{t.print_again}</button>
      <button ref={next} type="button" className="primary" data-main-field autoFocus onClick={() => show('sell')}>{t.next_sale} (Enter)</button>
    </main>
  );
}
