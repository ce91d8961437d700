/** One sale: its lines, reprint, void, and a full or partial refund under manager approval. */
import { useEffect, useState } from 'react';
import { formatKes, formatQuantity, parseQuantity, type SaleRecord } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { useApp } from '../../state/use-store.js';
import { ApprovalCancelled, useApproval } from '../../components/approval.js';
import { isWholeSale, refundPreview, refundTenders, refundableQuantity, type RefundTender } from './refund-plan.js';

export function SaleDetail({ sale_id, onBack }: { sale_id: string; onBack: () => void }) {
  const t = useT();
  const { till } = useDeps();
  const newId = useNewId();
  const runWithApproval = useApproval();
  const showReceipt = useApp((s) => s.showReceipt);
  const [record, setRecord] = useState<SaleRecord | null>(null);
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const [tender, setTender] = useState<RefundTender | null>(null);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    till.getSale({ sale_id }).then(setRecord, (loadError: unknown) => setError(errorWords(loadError, t)));
  }, [till, sale_id, t, version]);
  if (record === null) return <p role={error ? 'alert' : 'status'}>{error ?? t.loading}</p>;

  let parsed: Map<string, number> = new Map();
  let parseError: string | null = null;
  try {
    parsed = new Map(
      record.sale.lines
        .filter((line) => (quantities[line.line_id] ?? '').trim() !== '')
        .map((line) => [line.line_id, parseQuantity(quantities[line.line_id] ?? '', line.unit, `${line.name} ${t.field_quantity}`)]),
    );
  } catch (quantityError) {
    parseError = errorWords(quantityError, t);
  }
  const whole = isWholeSale(record, parsed);
  const options = refundTenders(record, whole);
  const chosen = tender !== null && options.includes(tender) ? tender : options[0];
  const open = record.status === 'completed' || record.status === 'partially_refunded';

  const act = async (what: 'void' | 'refund') => {
    setError(null);
    setMessage(null);
    try {
      if (what === 'void') {
        const command_id = newId();
        await runWithApproval((approval) => till.voidSale({ command_id, sale_id, reason, ...(approval ? { approval } : {}) }));
        setMessage(t.voided(record.sale.receipt_no));
      } else {
        if (parseError !== null) return setError(parseError);
        if (chosen === undefined || parsed.size === 0) return setError(t.refund_pick_lines);
        // Checked here, before a manager is asked for their PIN (issue 17).
        const over = record.sale.lines.find((line) => (parsed.get(line.line_id) ?? 0) > refundableQuantity(record, line.line_id));
        if (over !== undefined) return setError(t.refund_too_many(over.name, formatQuantity(refundableQuantity(record, over.line_id), over.unit)));
        const command_id = newId();
        const refund_id = newId();
        const lines = [...parsed].map(([line_id, quantity]) => ({ line_id, quantity }));
        const result = await runWithApproval((approval) =>
          till.refundSale({ command_id, refund_id, sale_id, lines, tender: chosen, reason, ...(approval ? { approval } : {}) }),
        );
        setMessage(t.refunded(formatKes(result.total), t.refund_tender[chosen]));
      }
      setQuantities({});
      setVersion((v) => v + 1);
    } catch (actError) {
      if (!(actError instanceof ApprovalCancelled)) setError(errorWords(actError, t));
    }
  };

  return (
    <main className="sale-detail" aria-label={t.receipt} onKeyDown={(event) => { if (event.key === 'Escape') { event.stopPropagation(); onBack(); } }}>
      <h1>{record.sale.receipt_no} · {formatKes(record.sale.total)} · {t.sale_status[record.status]}</h1>
      <table>
        <thead><tr><th>{t.product}</th><th>{t.quantity}</th><th>{t.amount}</th><th>{t.refunded_already}</th><th>{t.refund_left}</th><th>{t.refund_quantity}</th></tr></thead>
        <tbody>
          {record.sale.lines.map((line) => (
            <tr key={line.line_id}>
              <td>{line.name}</td>
              <td>{formatQuantity(line.quantity, line.unit)}</td>
              <td className="money">{formatKes(line.gross)}</td>
              <td data-testid={`refunded-${line.line_id}`}>{formatQuantity(line.quantity - refundableQuantity(record, line.line_id), line.unit)}</td>
              <td data-testid={`left-${line.line_id}`}>{formatQuantity(refundableQuantity(record, line.line_id), line.unit)}</td>
              <td>
                <input aria-label={`${t.refund_quantity}: ${line.name}`} disabled={!open} value={quantities[line.line_id] ?? ''} inputMode="decimal"
                  onChange={(event) => setQuantities({ ...quantities, [line.line_id]: event.target.value })} />
                <button type="button" disabled={!open} onClick={() => setQuantities({ ...quantities, [line.line_id]: formatQuantity(refundableQuantity(record, line.line_id), line.unit).replace(/ (kg|l)$/, '') })}>{t.all}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{record.sale.tenders.map((tender) => `${t.tender_kind[tender.kind]} ${formatKes(tender.amount)}`).join(' · ')}</p>
      {parseError !== null && <p role="alert" className="error">{parseError}</p>}
      {parseError === null && parsed.size > 0 && <p className="refund-total" data-testid="refund-total">{t.refund_total}: {formatKes(refundPreview(record, parsed))}</p>}
      {open && (
        <>
          <fieldset>
            <legend>{t.refund_to}</legend>
            {options.map((option) => (
              <label key={option}>
                <input type="radio" name="refund-tender" checked={chosen === option} onChange={() => setTender(option)} />
                {t.refund_tender[option]}
              </label>
            ))}
            {chosen !== undefined && <p className="hint">{t.refund_tender_hint[chosen]}</p>}
          </fieldset>
          <label>{t.field_reason}<input value={reason} onChange={(event) => setReason(event.target.value)} /></label>
          <button type="button" onClick={() => void act('refund')}>{t.refund}</button>
          {record.status === 'completed' && <button type="button" onClick={() => void act('void')}>{t.void_sale}</button>}
        </>
      )}
      {message !== null && <p role="status">{message}</p>}
      {error !== null && <p role="alert" className="error">{error}</p>}
      <button type="button" onClick={() => showReceipt(sale_id, true, true)}>{t.reprint}</button>
      <button type="button" onClick={onBack}>{t.back} (Esc)</button>
    </main>
  );
}
