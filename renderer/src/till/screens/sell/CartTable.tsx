/** The cart lines with inline editors for quantity, price and line discount. */
import { useState } from 'react';
import { formatKes, formatQuantity, parseKes, parseQuantity } from '@payme/shared';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { useCart } from '../../state/use-store.js';
import type { CartTotals } from '../../pricing/cart-pricing.js';
import { parsePercentBp, formatPercentBp } from './percent.js';

export type LineEditMode = 'quantity' | 'price' | 'discount';

export function CartTable({ totals, editing, onEdit }: { totals: CartTotals; editing: LineEditMode | null; onEdit: (mode: LineEditMode | null) => void }) {
  const t = useT();
  const { lines, selected } = useCart((s) => s.cart);
  const dispatch = useCart((s) => s.dispatch);
  if (lines.length === 0) return <p className="cart-empty">{t.cart_empty}</p>;
  return (
    <table className="cart" aria-label={t.cart}>
      <thead>
        <tr><th>{t.product}</th><th>{t.quantity}</th><th>{t.price}</th><th>{t.amount}</th><th /></tr>
      </thead>
      <tbody>
        {lines.map((line, index) => {
          const priced = totals.lines[index];
          const isSelected = index === selected;
          return (
            <tr key={`${line.product.product_id}-${index}`} aria-selected={isSelected} className={isSelected ? 'selected' : undefined} onClick={() => dispatch({ type: 'select', index })}>
              <td>{line.product.name}{line.discount_bp ? <small> −{formatPercentBp(line.discount_bp)}</small> : null}</td>
              <td className="qty">{formatQuantity(line.quantity, line.product.unit)}</td>
              <td className="money">{formatKes(line.unit_price ?? line.product.unit_price)}{line.unit_price !== undefined && <small> {t.price_changed}</small>}</td>
              <td className="money">{formatKes(priced?.gross ?? 0)}</td>
              <td className="line-actions">
                {isSelected && editing !== null ? (
                  <LineEditor mode={editing} index={index} onDone={() => onEdit(null)} />
                ) : (
                  <>
                    <button type="button" onClick={() => { dispatch({ type: 'select', index }); onEdit('quantity'); }}>{t.quantity_short}</button>
                    <button type="button" onClick={() => { dispatch({ type: 'select', index }); onEdit('price'); }}>{t.price}</button>
                    <button type="button" onClick={() => { dispatch({ type: 'select', index }); onEdit('discount'); }}>{t.discount}</button>
                    <button type="button" aria-label={t.remove_line(line.product.name)} onClick={() => dispatch({ type: 'remove', index })}>✕</button>
                  </>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function LineEditor({ mode, index, onDone }: { mode: LineEditMode; index: number; onDone: () => void }) {
  const t = useT();
  const line = useCart((s) => s.cart.lines[index]);
  const dispatch = useCart((s) => s.dispatch);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (line === undefined) return null;
  const label = mode === 'quantity' ? (line.product.unit === 'piece' ? t.field_quantity : t.field_weight) : mode === 'price' ? t.field_price : t.field_discount;
  const save = () => {
    try {
      if (mode === 'quantity') dispatch({ type: 'setQuantity', index, quantity: parseQuantity(text, line.product.unit, label) });
      if (mode === 'price') {
        const price = parseKes(text, label);
        dispatch({ type: 'setPrice', index, unit_price: price === line.product.unit_price ? undefined : price });
      }
      if (mode === 'discount') dispatch({ type: 'setLineDiscount', index, discount_bp: parsePercentBp(text, label) });
      onDone();
    } catch (saveError) {
      setError(errorWords(saveError, t));
    }
  };
  return (
    <form className="line-editor" onSubmit={(event) => { event.preventDefault(); save(); }}
      onKeyDown={(event) => { if (event.key === 'Escape') { event.stopPropagation(); onDone(); } }}>
      <label>
        {label}
        <input autoFocus value={text} onChange={(event) => setText(event.target.value)} inputMode="decimal" />
      </label>
      <button type="submit">OK</button>
      {error !== null && <span role="alert" className="error">{error}</span>}
    </form>
  );
}
