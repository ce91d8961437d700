/** Credit (deni): the customer's balance and limit; over the limit the ledger asks a manager. */
import { formatKes, type CustomerRecord } from '@payme/shared';
import { useT } from '../../i18n/i18n.js';
import type { GatheredTender } from './tenders.js';

export function CreditPanel({ remaining, customer, onTender, onPickCustomer }: {
  remaining: number;
  customer: CustomerRecord | null;
  onTender: (tender: GatheredTender) => void;
  onPickCustomer: () => void;
}) {
  const t = useT();
  if (customer === null) {
    return (
      <div className="tender-panel" aria-label={t.credit}>
        <p>{t.credit_needs_customer}</p>
        <button type="button" autoFocus onClick={onPickCustomer}>{t.pick_customer} (F3)</button>
      </div>
    );
  }
  if (customer.active === false) {
    return (
      <div className="tender-panel" aria-label={t.credit}>
        <p>{t.customer}: <strong>{customer.name}</strong></p>
        <p className="warning" role="status">{t.credit_account_closed}</p>
        <button type="button" autoFocus onClick={onPickCustomer}>{t.pick_customer} (F3)</button>
      </div>
    );
  }
  const available = customer.credit_limit - customer.balance;
  const over = remaining - available;
  return (
    <div className="tender-panel" aria-label={t.credit}>
      <p>{t.customer}: <strong>{customer.name}</strong></p>
      <p>{t.balance}: <span className="money">{formatKes(customer.balance)}</span> · {t.credit_limit}: <span className="money">{formatKes(customer.credit_limit)}</span></p>
      <p>{t.balance_after}: <span className="money">{formatKes(customer.balance + remaining)}</span></p>
      {over > 0 && <p className="warning" role="status">{t.credit_over_limit(formatKes(over))}</p>}
      <button type="button" autoFocus onClick={() => onTender({ tender: { kind: 'credit', amount: remaining } })}>
        {t.put_on_credit(formatKes(remaining))}
      </button>
    </div>
  );
}
