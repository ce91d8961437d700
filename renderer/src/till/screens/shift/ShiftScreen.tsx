/**
 * Shift (F9, UX 1 and 8): open with the float, pay in / pay out, blind close (the expected
 * figure is never shown before the count), then the Z-report.
 */
import { useEffect, useState } from 'react';
import { formatKes, parseKes, type ShiftRecord, type ShiftReport } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { ApprovalCancelled, useApproval } from '../../components/approval.js';
import { receiptTime } from '../../receipt/receipt-model.js';
import { ZReport } from './ZReport.js';

export function ShiftScreen() {
  const t = useT();
  const { till } = useDeps();
  const newId = useNewId();
  const runWithApproval = useApproval();
  const [shift, setShift] = useState<ShiftRecord | null | undefined>(undefined);
  const [report, setReport] = useState<{ report: ShiftReport; shift: ShiftRecord } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    till.currentShift({}).then(({ shift: current }) => setShift(current), (loadError: unknown) => setError(errorWords(loadError, t)));
  }, [till, t, version]);

  const attempt = async (work: () => Promise<void>) => {
    setError(null);
    setMessage(null);
    try {
      await work();
      setVersion((v) => v + 1);
    } catch (workError) {
      if (!(workError instanceof ApprovalCancelled)) setError(errorWords(workError, t));
    }
  };

  if (report !== null) return <ZReport report={report.report} shift={report.shift} onDone={() => setReport(null)} />;
  return (
    <main className="shift" aria-label={t.shift}>
      <h1>{t.shift}</h1>
      {shift === null && (
        <AmountForm label={t.field_float} action={t.open_shift} onSubmit={(amount) => attempt(async () => {
          await till.openShift({ command_id: newId(), shift_id: newId(), float: amount });
          setMessage(t.shift_opened(formatKes(amount)));
        })} allowZero />
      )}
      {shift != null && (
        <>
          <p>{t.shift_open_since(receiptTime(shift.opened_at))} · {t.field_float} {formatKes(shift.float)} · {t.pay_in} {formatKes(shift.paid_in)} · {t.pay_out} {formatKes(shift.paid_out)}</p>
          <h2>{t.pay_in}</h2>
          <AmountForm label={t.field_amount} action={t.pay_in} withReason onSubmit={(amount, reason) => attempt(async () => {
            await till.payIn({ command_id: newId(), entry_id: newId(), amount, reason });
            setMessage(t.paid_in_done(formatKes(amount)));
          })} />
          <h2>{t.pay_out}</h2>
          <AmountForm label={t.field_amount} action={t.pay_out} withReason onSubmit={(amount, reason) => attempt(async () => {
            const command_id = newId();
            const entry_id = newId();
            await runWithApproval((approval) => till.payOut({ command_id, entry_id, amount, reason, ...(approval ? { approval } : {}) }));
            setMessage(t.paid_out_done(formatKes(amount)));
          })} />
          <h2>{t.close_shift}</h2>
          <p className="hint">{t.blind_close_hint}</p>
          <AmountForm label={t.field_cash_counted} action={t.close_shift} allowZero onSubmit={(amount) => attempt(async () => {
            const command_id = newId();
            const closed = await runWithApproval((approval) =>
              till.closeShift({ command_id, counted: [{ tender: 'cash', amount }], ...(approval ? { approval } : {}) }),
            );
            setReport({ report: closed, shift });
          })} />
        </>
      )}
      {message !== null && <p role="status">{message}</p>}
      {error !== null && <p role="alert" className="error">{error}</p>}
    </main>
  );
}

function AmountForm({ label, action, onSubmit, withReason = false, allowZero = false }: {
  label: string;
  action: string;
  onSubmit: (amount: number, reason: string) => Promise<void>;
  withReason?: boolean;
  allowZero?: boolean;
}) {
  const t = useT();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form onSubmit={(event) => {
      event.preventDefault();
      setError(null);
      try {
        const cents = parseKes(amount, label);
        if (cents < 0 || (cents === 0 && !allowZero)) return setError(`${label}: ${t.cash_more_than_zero}`);
        void onSubmit(cents, reason.trim()).then(() => { setAmount(''); setReason(''); });
      } catch (parseError) {
        setError(errorWords(parseError, t));
      }
    }}>
      <label>{label}<input value={amount} onChange={(event) => setAmount(event.target.value)} inputMode="decimal" autoComplete="off" /></label>
      {withReason && <label>{t.field_reason}<input value={reason} onChange={(event) => setReason(event.target.value)} /></label>}
      <button type="submit">{action}</button>
      {error !== null && <span role="alert" className="error">{error}</span>}
    </form>
  );
}
