/** Sales history (F8, UX 5): today's sales, find by receipt number, reprint, void, refund. */
import { useEffect, useState } from 'react';
import { formatKes, type SaleSummary, type TillOutput } from '@payme/shared';
import { useDeps } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { receiptTime } from '../../receipt/receipt-model.js';
import { SaleDetail } from './SaleDetail.js';

export function HistoryScreen() {
  const t = useT();
  const { till } = useDeps();
  const [today, setToday] = useState<TillOutput<'todaySales'> | null>(null);
  const [find, setFind] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    till.todaySales({ limit: 200 }).then(setToday, (loadError: unknown) => setError(errorWords(loadError, t)));
  }, [till, t, version]);

  if (picked !== null) {
    return <SaleDetail sale_id={picked} onBack={() => { setPicked(null); setVersion((v) => v + 1); }} />;
  }
  return (
    <main className="history" aria-label={t.history}>
      <h1>{t.history}</h1>
      <form onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        till.getSale({ receipt_no: find.trim().toUpperCase() }).then(
          (record) => setPicked(record.sale.sale_id),
          (findError: unknown) => setError(errorWords(findError, t)),
        );
      }}>
        <label>{t.field_receipt_no}<input autoFocus autoComplete="off" value={find} onChange={(event) => setFind(event.target.value)} placeholder="T1-000123" /></label>
        <button type="submit">{t.find}</button>
      </form>
      {error !== null && <p role="alert" className="error">{error}</p>}
      {today !== null && (
        <>
          <p>{t.today_summary(today.count, formatKes(today.total))}</p>
          <ul className="sale-list">
            {today.sales.map((sale: SaleSummary) => (
              <li key={sale.sale_id}>
                <button type="button" onClick={() => setPicked(sale.sale_id)}>
                  {sale.receipt_no} · {receiptTime(sale.occurred_at)} · {formatKes(sale.total)} · {t.sale_status[sale.status]}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </main>
  );
}
