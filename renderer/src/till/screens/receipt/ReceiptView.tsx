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
import { buildReceipt, receiptRows, type ReceiptModel, type ReceiptRow } from '../../receipt/receipt-model.js';

export function ReceiptView({ sale_id, autoPrint, copy = false }: { sale_id: string; autoPrint: boolean; copy?: boolean }) {
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
      // A credit receipt names the customer and what they owe now (issue 17).
      const customer = creditCustomer !== undefined ? (await till.customerStatement({ customer_id: creditCustomer, limit: 1 })).customer : undefined;
      if (live) setReceipt(buildReceipt(record, profile, { copy, customer: customer === undefined ? undefined : { name: customer.name, balance: customer.balance } }));
    })().catch((loadError: unknown) => live && setError(errorWords(loadError, t)));
    return () => {
      live = false;
    };
  }, [till, sale_id, profile, t, copy]);

  const doPrint = async (model: ReceiptModel, openDrawer: boolean) => {
    try {
      if (print.printEscPos !== undefined) {
        // Loaded on the first thermal print: the encoder (~100 KB) is not needed to start selling.
        const { encodeReceipt, paperColumns } = await import('../../receipt/escpos.js');
        await print.printEscPos(encodeReceipt(model, t, { columns: paperColumns(profile.paper_mm), open_drawer: openDrawer }));
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
  // The big "Change" panel is for the cashier of a new sale, not for a reprint.
  const change = receipt.copy ? undefined : receipt.change;
  return (
    <main className="receipt-screen" aria-label={t.receipt}>
      {change !== undefined && <p className="big-change">{t.change}: <span className="money" data-testid="receipt-change">{change}</span></p>}
      <ReceiptPaper receipt={receipt} paper_mm={profile.paper_mm} />
      {error !== null && <p role="alert" className="error">{error}</p>}
      {/* After printing again the cursor goes back to "Next sale", so Enter starts it (issue 17). */}
      <button type="button" onClick={() => void doPrint(receipt, false).finally(() => next.current?.focus())}>{t.print_again}</button>
      <button ref={next} type="button" className="primary" data-main-field autoFocus onClick={() => show('sell')}>{t.next_sale} (Enter)</button>
    </main>
  );
}

/** The receipt as the screen and the browser's print show it: `receiptRows`, as the ESC/POS bytes. */
export function ReceiptPaper({ receipt, paper_mm }: { receipt: ReceiptModel; paper_mm: 58 | 80 | undefined }) {
  const t = useT();
  return (
    <article className={`receipt paper-${paper_mm ?? 80}`} aria-label={t.receipt} data-testid="receipt">
      {receiptRows(receipt, t).map((row, index) => <ReceiptLine key={index} row={row} receipt_no={receipt.receipt_no} />)}
    </article>
  );
}

/** One row of the printed receipt, as the paper shows it (the same rows as the ESC/POS bytes). */
function ReceiptLine({ row, receipt_no }: { row: ReceiptRow; receipt_no: string }) {
  if (row.kind === 'rule') return <hr />;
  if (row.kind === 'pair') {
    return (
      <p className={`pair${row.bold ? ' bold' : ''}`}>
        <span>{row.left}</span> <span className="money">{row.right}</span>
      </p>
    );
  }
  const text = row.kind === 'center' && row.text.includes(receipt_no) ? (
    <>
      {row.text.slice(0, row.text.indexOf(receipt_no))}
      <strong data-testid="receipt-no">{receipt_no}</strong>
      {row.text.slice(row.text.indexOf(receipt_no) + receipt_no.length)}
    </>
  ) : row.text;
  return <p className={`${row.kind}${row.kind === 'center' && row.bold ? ' bold' : ''}`}>{text}</p>;
}
