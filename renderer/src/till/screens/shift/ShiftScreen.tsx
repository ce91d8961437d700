/**
 * Shift (F9, UX 1 and 8): open with the float, pay in / pay out, blind close (the expected
 * figures are never shown before the count) per tender, then the Z-report.
 */
import { useEffect, useState } from 'react';
import { formatKes, parseKes, type ShiftRecord, type ShiftReport, type TenderKind } from '@payme/shared';
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
  const [report, setReport] = useState<{ report: ShiftReport; shift: ShiftRecord; counted: TenderKind[] } | null>(null);
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

  if (report !== null) return <ZReport report={report.report} shift={report.shift} counted={report.counted} onDone={() => setReport(null)} />;
  return (
    <main className="shift" aria-label={t.shift}>
      <h1>{t.shift}</h1>
      {shift === null && (
        <AmountForm label={t.field_float} action={t.open_shift} onSubmit={(amount) => attempt(async () => {
          await till.openShift({ command_id: newId(), shift_id: newId(), float: amount });
          setMessage(t.shift_opened(formatKes(amount)));
        })} allowZero autoFocus />
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
          <CloseShiftForm onSubmit={(counted) => attempt(async () => {
            const command_id = newId();
            const closed = await runWithApproval((approval) => till.closeShift({ command_id, counted, ...(approval ? { approval } : {}) }));
            setReport({ report: closed, shift, counted: counted.map((row) => row.tender) });
          })} />
        </>
      )}
      {message !== null && <p role="status">{message}</p>}
      {error !== null && <p role="alert" className="error">{error}</p>}
    </main>
  );
}

function AmountForm({ label, action, onSubmit, withReason = false, allowZero = false, autoFocus = false }: {
  label: string;
  /** The float when opening a shift: F9 puts the cursor there (issue 17). */
  autoFocus?: boolean;
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
      <label>{label}<input autoFocus={autoFocus} value={amount} onChange={(event) => setAmount(event.target.value)} inputMode="decimal" autoComplete="off" /></label>
      {withReason && <label>{t.field_reason}<input value={reason} onChange={(event) => setReason(event.target.value)} /></label>}
      <button type="submit">{action}</button>
      {error !== null && <span role="alert" className="error">{error}</span>}
    </form>
  );
}

type Counted = { tender: TenderKind; amount: number }[];

/**
 * The blind count, per tender (DESIGN §4): the cash in the drawer (required), the M-Pesa total
 * from the till's statement and the credit slips when the cashier checked them. A tender left
 * empty is not sent, and the ledger takes it as expected (the Z-report says "not counted").
 */
function CloseShiftForm({ onSubmit }: { onSubmit: (counted: Counted) => Promise<void> }) {
  const t = useT();
  const fields = [
    { tender: 'cash' as const, label: t.field_cash_counted, required: true },
    { tender: 'mpesa' as const, label: t.field_mpesa_counted, required: false },
    { tender: 'credit' as const, label: t.field_credit_counted, required: false },
  ];
  const [texts, setTexts] = useState<Record<TenderKind, string>>({ cash: '', mpesa: '', credit: '' });
  const [error, setError] = useState<string | null>(null);
  return (
    <form aria-label={t.close_shift} onSubmit={(event) => {
      event.preventDefault();
      setError(null);
      try {
        const counted: Counted = [];
        for (const field of fields) {
          const text = texts[field.tender].trim();
          if (text === '' && !field.required) continue;
          const amount = parseKes(text, field.label);
          if (amount < 0) return setError(`${field.label}: ${t.cash_more_than_zero}`);
          counted.push({ tender: field.tender, amount });
        }
        void onSubmit(counted).then(() => setTexts({ cash: '', mpesa: '', credit: '' }));
      } catch (parseError) {
        setError(errorWords(parseError, t));
      }
    }}>
      {fields.map((field) => (
        <label key={field.tender}>
          {field.label}
          <input value={texts[field.tender]} inputMode="decimal" autoComplete="off" placeholder={field.required ? undefined : t.not_counted_hint}
            onChange={(event) => setTexts((current) => ({ ...current, [field.tender]: event.target.value }))} />
        </label>
      ))}
      <button type="submit">{t.close_shift}</button>
      {error !== null && <span role="alert" className="error">{error}</span>}
    </form>
  );
}
