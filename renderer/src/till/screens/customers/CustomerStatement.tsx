/** A customer's credit statement and recording a payment against what they owe. */
import { useEffect, useState } from 'react';
import { formatKes, parseKes, type CustomerRecord, type TillOutput } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { receiptTime } from '../../receipt/receipt-model.js';

export function CustomerStatement({ customer, onBack, onAttach }: { customer: CustomerRecord; onBack: () => void; onAttach: () => void }) {
  const t = useT();
  const { till } = useDeps();
  const newId = useNewId();
  const [statement, setStatement] = useState<TillOutput<'customerStatement'> | null>(null);
  const [amount, setAmount] = useState('');
  const [tender, setTender] = useState<'cash' | 'mpesa'>('cash');
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    till.customerStatement({ customer_id: customer.customer_id, limit: 100 }).then(setStatement, (loadError: unknown) => setError(errorWords(loadError, t)));
  }, [till, customer.customer_id, t, version]);

  const record = async () => {
    setError(null);
    try {
      const cents = parseKes(amount, t.field_amount);
      const result = await till.recordCreditPayment({
        command_id: newId(),
        entry_id: newId(),
        customer_id: customer.customer_id,
        amount: cents,
        tender,
        ...(tender === 'mpesa' && code.trim() !== '' ? { mpesa_receipt: code.trim().toUpperCase() } : {}),
      });
      setMessage(t.payment_recorded(formatKes(cents), formatKes(result.balance)));
      setAmount('');
      setCode('');
      setVersion((v) => v + 1);
    } catch (recordError) {
      setError(errorWords(recordError, t));
    }
  };

  const current = statement?.customer ?? customer;
  return (
    <main className="statement" aria-label={t.statement} onKeyDown={(event) => { if (event.key === 'Escape') { event.stopPropagation(); onBack(); } }}>
      <h1>{current.name} · {t.balance} {formatKes(current.balance)} · {t.credit_limit} {formatKes(current.credit_limit)}</h1>
      <table>
        <thead><tr><th>{t.time}</th><th>{t.what}</th><th>{t.amount}</th><th>{t.balance}</th></tr></thead>
        <tbody>
          {(statement?.entries ?? []).map((entry) => (
            <tr key={entry.entry_id}>
              <td>{receiptTime(entry.occurred_at)}</td>
              <td>{t.credit_entry_kind[entry.kind]} {entry.receipt_no ?? ''} {entry.reason ?? ''}</td>
              <td className="money">{formatKes(entry.amount)}</td>
              <td className="money">{formatKes(entry.balance_after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={(event) => { event.preventDefault(); void record(); }}>
        <h2>{t.record_payment}</h2>
        <label>{t.field_amount}<input autoFocus value={amount} onChange={(event) => setAmount(event.target.value)} inputMode="decimal" /></label>
        <label>{t.pay_with}
          <select value={tender} onChange={(event) => setTender(event.target.value === 'mpesa' ? 'mpesa' : 'cash')}>
            <option value="cash">{t.tender_kind.cash}</option>
            <option value="mpesa">{t.tender_kind.mpesa}</option>
          </select>
        </label>
        {tender === 'mpesa' && <label>{t.field_mpesa_code}<input value={code} onChange={(event) => setCode(event.target.value)} /></label>}
        <button type="submit">{t.record_payment}</button>
      </form>
      {message !== null && <p role="status">{message}</p>}
      {error !== null && <p role="alert" className="error">{error}</p>}
      <button type="button" onClick={onAttach}>{t.use_for_sale}</button>
      <button type="button" onClick={onBack}>{t.back} (Esc)</button>
    </main>
  );
}
