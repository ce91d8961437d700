/** Stock (UX 7): receive a delivery by scanning, adjust with a reason, count a shelf. */
import { useState } from 'react';
import { formatQuantity, parseQuantity, type ProductRecord } from '@payme/shared';
import { useDeps, useNewId } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { ApprovalCancelled, useApproval } from '../../components/approval.js';
import { ProductScan } from './ProductScan.js';
import { parseSignedQuantity } from './signed-quantity.js';

type Tab = 'receive' | 'adjust' | 'count';
const adjust_reasons = ['damaged', 'expired', 'theft', 'correction'] as const;

interface Row { product: ProductRecord; text: string }

export function StockScreen() {
  const t = useT();
  const [tab, setTab] = useState<Tab>('receive');
  return (
    <main className="stock" aria-label={t.stock}>
      <h1>{t.stock}</h1>
      <div role="tablist">
        {(['receive', 'adjust', 'count'] as const).map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} onClick={() => setTab(name)}>{t.stock_tab[name]}</button>
        ))}
      </div>
      {tab === 'adjust' ? <AdjustStock /> : <ScannedList kind={tab} key={tab} />}
    </main>
  );
}

/** Receiving and counting both build a list by scanning; a repeat scan adds one when receiving. */
function ScannedList({ kind }: { kind: 'receive' | 'count' }) {
  const t = useT();
  const { till } = useDeps();
  const newId = useNewId();
  const [rows, setRows] = useState<Row[]>([]);
  const [supplier, setSupplier] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const add = (product: ProductRecord) => {
    const index = rows.findIndex((row) => row.product.product_id === product.product_id);
    if (index >= 0) {
      if (kind === 'receive' && product.unit === 'piece') {
        setRows(rows.map((row, i) => (i === index ? { ...row, text: String(Number(row.text || '0') + 1) } : row)));
      }
      return;
    }
    setRows([...rows, { product, text: kind === 'receive' && product.unit === 'piece' ? '1' : '' }]);
  };

  const save = async () => {
    setError(null);
    try {
      const parsed = rows.map((row) => ({ row, quantity: row.text.trim() === '0' ? 0 : parseQuantity(row.text, row.product.unit, `${row.product.name} ${t.field_quantity}`) }));
      if (kind === 'receive') {
        const result = await till.receiveStock({
          command_id: newId(),
          receipt_id: newId(),
          ...(supplier.trim() !== '' ? { supplier } : {}),
          lines: parsed.map(({ row, quantity }) => ({ product_id: row.product.product_id, quantity })),
        });
        setMessage(t.stock_received(result.lines.length));
      } else {
        const result = await till.countStock({
          command_id: newId(),
          count_id: newId(),
          lines: parsed.map(({ row, quantity }) => ({ product_id: row.product.product_id, expected: row.product.on_hand, counted: quantity })),
        });
        setMessage(t.stock_counted(result.lines.length, result.lines.filter((line) => line.delta !== 0).length));
      }
      setRows([]);
    } catch (saveError) {
      setError(errorWords(saveError, t));
    }
  };

  return (
    <section aria-label={t.stock_tab[kind]}>
      <ProductScan label={t.scan_product} onProduct={add} />
      {kind === 'receive' && <label>{t.field_supplier}<input value={supplier} onChange={(event) => setSupplier(event.target.value)} /></label>}
      <table>
        <thead><tr><th>{t.product}</th>{kind === 'count' && <th>{t.on_hand}</th>}<th>{kind === 'receive' ? t.quantity : t.counted}</th></tr></thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={row.product.product_id}>
              <td>{row.product.name}</td>
              {kind === 'count' && <td>{formatQuantity(row.product.on_hand, row.product.unit)}</td>}
              <td><input aria-label={`${row.product.name} ${t.field_quantity}`} value={row.text} inputMode="decimal"
                onChange={(event) => setRows(rows.map((r, i) => (i === index ? { ...r, text: event.target.value } : r)))} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" disabled={rows.length === 0} onClick={() => void save()}>{t.save}</button>
      {message !== null && <p role="status">{message}</p>}
      {error !== null && <p role="alert" className="error">{error}</p>}
    </section>
  );
}

function AdjustStock() {
  const t = useT();
  const { till } = useDeps();
  const newId = useNewId();
  const runWithApproval = useApproval();
  const [product, setProduct] = useState<ProductRecord | null>(null);
  const [delta, setDelta] = useState('');
  const [reasonCode, setReasonCode] = useState<(typeof adjust_reasons)[number]>('damaged');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    if (product === null) return;
    setError(null);
    try {
      const change = parseSignedQuantity(delta, product.unit, t.field_change);
      const command_id = newId();
      const result = await runWithApproval((approval) =>
        till.adjustStock({ command_id, product_id: product.product_id, delta: change, reason_code: reasonCode, reason: reason.trim() === '' ? t.stock_reason[reasonCode] : reason, ...(approval ? { approval } : {}) }),
      );
      setMessage(t.stock_now(product.name, formatQuantity(result.on_hand, product.unit)));
      setProduct(null);
      setDelta('');
      setReason('');
    } catch (saveError) {
      if (!(saveError instanceof ApprovalCancelled)) setError(errorWords(saveError, t));
    }
  };
  return (
    <section aria-label={t.stock_tab.adjust}>
      <ProductScan label={t.scan_product} onProduct={setProduct} />
      {product !== null && (
        <form onSubmit={(event) => { event.preventDefault(); void save(); }}>
          <p>{product.name} · {t.on_hand}: {formatQuantity(product.on_hand, product.unit)}</p>
          <label>{t.field_change}<input autoFocus value={delta} onChange={(event) => setDelta(event.target.value)} placeholder="-1" /></label>
          <label>{t.field_reason}
            <select value={reasonCode} onChange={(event) => setReasonCode(adjust_reasons.find((code) => code === event.target.value) ?? 'correction')}>
              {adjust_reasons.map((code) => <option key={code} value={code}>{t.stock_reason[code]}</option>)}
            </select>
          </label>
          <label>{t.field_note}<input value={reason} onChange={(event) => setReason(event.target.value)} /></label>
          <button type="submit">{t.save}</button>
        </form>
      )}
      {message !== null && <p role="status">{message}</p>}
      {error !== null && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
