/**
 * M-Pesa STK (UX 3): phone → "Waiting for the customer to enter their PIN" with a countdown →
 * "Paid — receipt …" or the reason in plain words, with "Try again" (a new payment id, DESIGN §7)
 * and "Pay another way". F6 parks the sale while waiting. Offline, or when the server cannot
 * reach Safaricom, the cashier records the code from the customer's SMS instead (a claim).
 */
import { useEffect, useRef, useState } from 'react';
import { formatKes, isSettledState, mapResultCode, type PaymentRecord, formatPhoneKe } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT, type Messages } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { isTillCallError } from '../../transport/transport.js';
import { useHotkeys } from '../../use-hotkeys.js';
import { normalisePhone, type GatheredTender } from './tenders.js';
import { useApp } from '../../state/use-store.js';
import { findDuplicate, type RecentMpesaRequest } from '../../state/mpesa-recent.js';

type Stage =
  | { kind: 'phone' }
  | { kind: 'waiting'; payment: PaymentRecord; seconds_left: number }
  | { kind: 'paid'; payment: PaymentRecord }
  | { kind: 'failed'; payment: PaymentRecord }
  | { kind: 'claim' }
  /** DESIGN §8: the same phone and amount asked for less than two minutes ago. */
  | { kind: 'duplicate'; earlier: RecentMpesaRequest; phone: string };

export interface MpesaPanelProps {
  sale_id: string;
  remaining: number;
  offline: boolean;
  default_phone: string | undefined;
  onTender: (tender: GatheredTender) => void;
  onPayAnotherWay: () => void;
  onPark: (payment_id: string, phone: string) => Promise<void>;
  /** Told when the payment is paid and waits for Continue, so the pay screen stops saying "still to pay". */
  onPaid?: (paid: boolean) => void;
}

/** Plain words for a payment that did not succeed: the ledger's, else the result code's. */
export function paymentFailureWords(payment: PaymentRecord, t: Messages): string {
  if (payment.cashier_message !== undefined) return payment.cashier_message;
  if (payment.result_code !== undefined) return mapResultCode(payment.result_code).cashier_message;
  return t.payment_state_words[payment.state];
}

export function MpesaPanel(props: MpesaPanelProps) {
  const t = useT();
  const { till, clock, profile, payment_poll_ms, mpesa_wait_seconds } = useDeps();
  const noteMpesaRequest = useApp((s) => s.noteMpesaRequest);
  const noteMpesaState = useApp((s) => s.noteMpesaState);
  const recentRequests = useApp((s) => s.mpesa_recent);
  const newId = useNewId();
  const [stage, setStage] = useState<Stage>(props.offline ? { kind: 'claim' } : { kind: 'phone' });
  const [phoneText, setPhoneText] = useState(props.default_phone === undefined ? '' : formatPhoneKe(props.default_phone));
  const [error, setError] = useState<string | null>(null);
  const onPaid = props.onPaid;
  useEffect(() => {
    onPaid?.(stage.kind === 'paid');
    return () => onPaid?.(false);
  }, [stage.kind, onPaid]);
  const polling = useRef<string | null>(null);

  /** `confirmed`: the cashier saw the duplicate warning and chose to send anyway. */
  const request = async (confirmed = false) => {
    setError(null);
    const phone = normalisePhone(phoneText);
    const earlier = confirmed ? undefined : findDuplicate(recentRequests, phone, props.remaining, clock.now());
    if (earlier !== undefined) {
      setStage({ kind: 'duplicate', earlier, phone });
      return;
    }
    const payment_id = newId();
    try {
      const payment = await till.requestMpesaPayment({ command_id: newId(), payment_id, sale_id: props.sale_id, phone, amount: props.remaining });
      noteMpesaRequest({ payment_id, phone, amount: props.remaining, at_ms: clock.now(), state: payment.state });
      follow(payment);
    } catch (requestError) {
      if (isTillCallError(requestError) && (requestError.code === 'offline' || requestError.code === 'mpesa_unavailable')) {
        setStage({ kind: 'claim' });
        return;
      }
      setError(errorWords(requestError, t));
    }
  };

  const follow = (payment: PaymentRecord) => {
    noteMpesaState(payment.payment_id, payment.state);
    if (payment.state === 'succeeded') return setStage({ kind: 'paid', payment });
    if (isSettledState(payment.state)) return setStage({ kind: 'failed', payment });
    setStage((current) => ({ kind: 'waiting', payment, seconds_left: current.kind === 'waiting' && current.payment.payment_id === payment.payment_id ? current.seconds_left : mpesa_wait_seconds }));
  };

  const waitingId = stage.kind === 'waiting' ? stage.payment.payment_id : null;
  // Follow the payment the till learns about from the server's feed, at a steady pace.
  useEffect(() => {
    if (waitingId === null) return;
    polling.current = waitingId;
    const poll = setInterval(() => {
      till.getPayment({ payment_id: waitingId }).then(
        (payment) => polling.current === waitingId && follow(payment),
        () => undefined, // a missed poll is retried on the next tick
      );
    }, payment_poll_ms);
    const tick = setInterval(() => setStage((current) => (current.kind === 'waiting' ? { ...current, seconds_left: Math.max(0, current.seconds_left - 1) } : current)), 1000);
    return () => {
      polling.current = null;
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [waitingId]);

  // Leaving the pay screen while the customer is typing their PIN would lose track of money that
  // may still arrive: the keys that leave are held back until the sale is parked or answered.
  useEffect(() => {
    if (waitingId === null) return;
    const hold = (event: KeyboardEvent) => {
      if (!['Escape', 'F2', 'F3', 'F8', 'F9'].includes(event.key)) return;
      event.stopPropagation();
      event.preventDefault();
      setError(t.mpesa_leave_while_waiting);
    };
    window.addEventListener('keydown', hold, true);
    return () => window.removeEventListener('keydown', hold, true);
  }, [waitingId, t]);

  useHotkeys({
    F6: () => {
      if (stage.kind !== 'waiting') return;
      props.onPark(stage.payment.payment_id, stage.payment.phone ?? normalisePhone(phoneText)).catch((parkError: unknown) => setError(errorWords(parkError, t)));
    },
  }, stage.kind === 'waiting');

  return (
    <div className="tender-panel" aria-label={t.mpesa}>
      {stage.kind === 'phone' && (
        <form onSubmit={(event) => { event.preventDefault(); void request(); }}>
          <p>{t.mpesa_amount(formatKes(props.remaining))}</p>
          <label>{t.field_phone}<input autoFocus inputMode="tel" autoComplete="off" value={phoneText} onChange={(event) => setPhoneText(event.target.value)} placeholder="0712 345 678" /></label>
          <button type="submit">{t.mpesa_send}</button>
          <button type="button" onClick={() => setStage({ kind: 'claim' })}>{t.mpesa_typed_code}</button>
        </form>
      )}
      {stage.kind === 'duplicate' && (
        <div role="alertdialog" aria-label={t.mpesa_duplicate_title}>
          <p className="big-status">{t.mpesa_duplicate(formatKes(stage.earlier.amount), formatPhoneKe(stage.phone), Math.max(1, Math.round((clock.now() - stage.earlier.at_ms) / 1000)), t.payment_state_words[stage.earlier.state])}</p>
          {/* The safe answer has the focus: an Enter from the scanner or a habit does not charge twice. */}
          <button type="button" autoFocus onClick={() => setStage({ kind: 'phone' })}>{t.mpesa_duplicate_back}</button>
          <button type="button" onClick={() => void request(true)}>{t.mpesa_duplicate_send}</button>
        </div>
      )}
      {stage.kind === 'waiting' && (
        <div role="status">
          <p className="big-status">{t.mpesa_waiting}</p>
          <p className="countdown" data-testid="mpesa-countdown">{stage.seconds_left > 0 ? t.seconds_left(stage.seconds_left) : t.mpesa_still_waiting}</p>
          <button type="button" onClick={() => props.onPark(stage.payment.payment_id, stage.payment.phone ?? normalisePhone(phoneText)).catch((parkError: unknown) => setError(errorWords(parkError, t)))}>{t.park} (F6)</button>
        </div>
      )}
      {stage.kind === 'paid' && (
        <div role="status">
          <p className="big-status ok">{stage.payment.mpesa_receipt !== undefined ? t.mpesa_paid(stage.payment.mpesa_receipt) : t.mpesa_paid_receipt_to_follow}</p>
          <button type="button" autoFocus onClick={() => props.onTender({ tender: { kind: 'mpesa', amount: stage.payment.amount, payment_id: stage.payment.payment_id }, mpesa_receipt: stage.payment.mpesa_receipt })}>{t.continue}</button>
        </div>
      )}
      {stage.kind === 'failed' && (
        <div role="alert">
          <p className="big-status bad">{paymentFailureWords(stage.payment, t)}</p>
          <button type="button" autoFocus onClick={() => void request()}>{t.try_again}</button>
          <button type="button" onClick={props.onPayAnotherWay}>{t.pay_another_way}</button>
        </div>
      )}
      {stage.kind === 'claim' && (
        <ClaimForm sale_id={props.sale_id} remaining={props.remaining} till_number={profile.mpesa_till_number} onTender={props.onTender} />
      )}
      {error !== null && <p role="alert" className="error">{error}</p>}
    </div>
  );
}

function ClaimForm({ sale_id, remaining, till_number, onTender }: { sale_id: string; remaining: number; till_number: string | undefined; onTender: (tender: GatheredTender) => void }) {
  const t = useT();
  const { till } = useDeps();
  const newId = useNewId();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form onSubmit={(event) => {
      event.preventDefault();
      const claim_code = code.trim().toUpperCase();
      till.recordMpesaClaim({ command_id: newId(), claim_id: newId(), code: claim_code, amount: remaining, sale_id }).then(
        (claim) => {
          if (claim.status === 'duplicate') return setError(t.mpesa_claim_duplicate(claim_code));
          onTender({ tender: { kind: 'mpesa', amount: remaining, claim_code }, mpesa_receipt: claim_code });
        },
        (claimError: unknown) => setError(errorWords(claimError, t)),
      );
    }}>
      <p className="big-status">{t.mpesa_offline(till_number ?? '—', formatKes(remaining))}</p>
      <label>{t.field_mpesa_code}<input autoFocus autoComplete="off" value={code} onChange={(event) => setCode(event.target.value)} placeholder="SKL4ABCD12" /></label>
      <button type="submit">{t.mpesa_record_code}</button>
      {error !== null && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
