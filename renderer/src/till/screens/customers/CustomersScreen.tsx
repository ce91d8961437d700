/**
 * Customers (F3, UX 6): find by name or phone, create, attach to the sale, see the statement,
 * record a credit payment in cash or M-Pesa.
 */
import { useState } from 'react';
import { formatKes, parseKes, type CustomerRecord, formatPhoneKe } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { useApp, useCart } from '../../state/use-store.js';
import { ApprovalCancelled, useApproval } from '../../components/approval.js';
import { normalisePhone } from '../pay/tenders.js';
import { CustomerStatement } from './CustomerStatement.js';

export function CustomersScreen() {
  const t = useT();
  const { till } = useDeps();
  const newId = useNewId();
  const runWithApproval = useApproval();
  const dispatch = useCart((s) => s.dispatch);
  const cartHasLines = useCart((s) => s.cart.lines.length > 0);
  const show = useApp((s) => s.show);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<CustomerRecord[] | null>(null);
  const [picked, setPicked] = useState<CustomerRecord | null>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const search = () => {
    setError(null);
    till.searchCustomers({ query, limit: 20 }).then(({ customers }) => setFound(customers), (searchError: unknown) => setError(errorWords(searchError, t)));
  };
  const attach = (customer: CustomerRecord) => {
    dispatch({ type: 'attachCustomer', customer });
    show(cartHasLines ? 'pay' : 'sell');
  };

  if (picked !== null) return <CustomerStatement customer={picked} onBack={() => setPicked(null)} onAttach={() => attach(picked)} />;
  return (
    <main className="customers" aria-label={t.customers}>
      <h1>{t.customers}</h1>
      <form onSubmit={(event) => { event.preventDefault(); search(); }}>
        <label>{t.field_customer_find}<input autoFocus autoComplete="off" value={query} onChange={(event) => setQuery(event.target.value)} /></label>
        <button type="submit">{t.find}</button>
        <button type="button" onClick={() => setCreating(true)}>{t.new_customer}</button>
      </form>
      {error !== null && <p role="alert" className="error">{error}</p>}
      {creating && (
        <NewCustomerForm
          onCancel={() => setCreating(false)}
          onCreate={async (name, phone, limit) => {
            const command_id = newId();
            const customer_id = newId();
            try {
              const customer = await runWithApproval((approval) =>
                till.createCustomer({ command_id, customer_id, name, ...(phone ? { phone: normalisePhone(phone) } : {}), credit_limit: limit, ...(approval ? { approval } : {}) }),
              );
              setCreating(false);
              setFound([customer]);
            } catch (createError) {
              if (!(createError instanceof ApprovalCancelled)) throw createError;
            }
          }}
        />
      )}
      {found !== null && found.length === 0 && <p>{t.customer_none}</p>}
      <ul className="customer-list">
        {(found ?? []).map((customer) => (
          <li key={customer.customer_id}>
            <strong>{customer.name}</strong> {customer.phone === null || customer.phone === undefined ? '' : formatPhoneKe(customer.phone)} · {t.balance} {formatKes(customer.balance)} · {t.credit_limit} {formatKes(customer.credit_limit)}
            <button type="button" onClick={() => attach(customer)}>{t.use_for_sale}</button>
            <button type="button" onClick={() => setPicked(customer)}>{t.statement}</button>
          </li>
        ))}
      </ul>
    </main>
  );
}

function NewCustomerForm({ onCreate, onCancel }: { onCreate: (name: string, phone: string, limit: number) => Promise<void>; onCancel: () => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [limit, setLimit] = useState('0');
  const [error, setError] = useState<string | null>(null);
  return (
    <form className="panel" aria-label={t.new_customer} onKeyDown={(event) => { if (event.key === 'Escape') { event.stopPropagation(); onCancel(); } }}
      onSubmit={(event) => {
        event.preventDefault();
        try {
          onCreate(name, phone, parseKes(limit, t.credit_limit)).catch((createError: unknown) => setError(errorWords(createError, t)));
        } catch (parseError) {
          setError(errorWords(parseError, t));
        }
      }}>
      <label>{t.field_name}<input autoFocus value={name} onChange={(event) => setName(event.target.value)} /></label>
      <label>{t.field_phone}<input value={phone} onChange={(event) => setPhone(event.target.value)} inputMode="tel" /></label>
      <label>{t.credit_limit}<input value={limit} onChange={(event) => setLimit(event.target.value)} inputMode="decimal" /></label>
      <button type="submit">{t.save}</button>
      <button type="button" onClick={onCancel}>{t.cancel_esc}</button>
      {error !== null && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
