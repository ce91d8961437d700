/**
 * The cart lines with inline editors for quantity, price and line discount (on the selected
 * line; a tap or the arrow keys select). Rows are memoised:
 * a scan changes one line (and the selection), so only that row and the one losing the
 * highlight re-render, not a long cart's every row. The table scrolls in its own box, kept on
 * the selected line, so the line a scan added is on screen even in a long cart.
 */
import { memo, useLayoutEffect, useRef, useState } from 'react';
import { formatKes, formatQuantity, parseKes, parseQuantity } from '@payme/shared';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { useCart, useCartTotals } from '../../state/use-store.js';
import type { CartLine } from '../../state/cart-state.js';
import { parsePercentBp, formatPercentBp } from './percent.js';

export type LineEditMode = 'quantity' | 'price' | 'discount';

export function CartTable({ editing, onEdit }: { editing: LineEditMode | null; onEdit: (mode: LineEditMode | null) => void }) {
  const t = useT();
  const lines = useCart((s) => s.cart.lines);
  const selected = useCart((s) => s.cart.selected);
  const totals = useCartTotals();
  const body = useRef<HTMLTableSectionElement>(null);
  useLayoutEffect(() => {
    // jsdom has no scrollIntoView; browsers do.
    body.current?.rows[selected]?.scrollIntoView?.({ block: 'nearest' });
  }, [selected, lines.length]);
  if (lines.length === 0) return <p className="cart-empty">{t.cart_empty}</p>;
  return (
    <div className="cart-scroll">
      <table className="cart" aria-label={t.cart}>
        <thead>
          <tr><th>{t.product}</th><th>{t.quantity}</th><th>{t.price}</th><th>{t.amount}</th><th /></tr>
        </thead>
        <tbody ref={body}>
          {lines.map((line, index) => (
            <CartRow key={`${line.product.product_id}-${index}`} line={line} index={index} gross={totals.lines[index]?.gross ?? 0}
              selected={index === selected} editing={index === selected ? editing : null} onEdit={onEdit} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface CartRowProps {
  line: CartLine;
  index: number;
  gross: number;
  selected: boolean;
  editing: LineEditMode | null;
  onEdit: (mode: LineEditMode | null) => void;
}

const CartRow = memo(function CartRow({ line, index, gross, selected, editing, onEdit }: CartRowProps) {
  const t = useT();
  const dispatch = useCart((s) => s.dispatch);
  const edit = (mode: LineEditMode) => {
    dispatch({ type: 'select', index });
    onEdit(mode);
  };
  return (
    <tr aria-selected={selected} className={selected ? 'selected' : undefined} onClick={() => dispatch({ type: 'select', index })}>
      <td>{line.product.name}{line.discount_bp ? <small> −{formatPercentBp(line.discount_bp)}</small> : null}</td>
      <td className="qty">{formatQuantity(line.quantity, line.product.unit)}</td>
      <td className="money">{formatKes(line.unit_price ?? line.product.unit_price)}{line.unit_price !== undefined && line.unit_price !== line.product.unit_price && <small> {t.price_changed}</small>}</td>
      <td className="money">{formatKes(gross)}</td>
      <td className="line-actions">
        {/* The buttons are on the selected line only (a tap selects a line): a long cart stays
            light to lay out on every scan, and the keys act on the selected line anyway. */}
        {selected && (editing !== null ? (
          <LineEditor mode={editing} index={index} onDone={() => onEdit(null)} />
        ) : (
          <>
            <button type="button" onClick={() => edit('quantity')}>{t.quantity_short}</button>
            <button type="button" onClick={() => edit('price')}>{t.price}</button>
            <button type="button" onClick={() => edit('discount')}>{t.discount}</button>
            <button type="button" aria-label={t.remove_line(line.product.name)} onClick={() => dispatch({ type: 'remove', index })}>✕</button>
          </>
        ))}
      </td>
    </tr>
  );
});

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
