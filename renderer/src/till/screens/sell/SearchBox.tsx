/**
 * The always-focused search box: scanner input (fast keys + Enter → lookupBarcode), `3*`
 * quantities, type-ahead search with arrow keys and Enter, and the cart keys (Del, `*`, `+`,
 * `-`, arrows) when the box is empty.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { parseQuantity, type ProductRecord } from '@payme/shared';
import { useDeps } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { useCart, useStoreApis } from '../../state/use-store.js';
import { looksLikeBarcode, readSearchEntry } from '../../state/scan-entry.js';
import { readScaleLabel } from '../../state/scale-label.js';
import type { CartProduct } from '../../state/cart-state.js';

/** Type-ahead waits this long after the last key, so a scanner's burst never triggers a search. */
const type_ahead_delay_ms = 120;
const type_ahead_results_max = 8;

export function toCartProduct(product: ProductRecord): CartProduct {
  return { product_id: product.product_id, name: product.name, unit: product.unit, unit_price: product.unit_price, vat_class: product.vat_class, barcode: product.barcode };
}

export function SearchBox({ onEditLine, disabled }: { onEditLine: (mode: 'quantity') => void; disabled: boolean }) {
  const t = useT();
  const { till } = useDeps();
  const { cart: cartStore } = useStoreApis();
  const dispatch = useCart((s) => s.dispatch);
  const [text, setText] = useState('');
  const [results, setResults] = useState<ProductRecord[]>([]);
  const [highlight, setHighlight] = useState(-1);
  const [pendingQuantity, setPendingQuantity] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const searchSeq = useRef(0);

  // The search box has focus at all times (UX 2): whenever focus falls back to the page.
  useEffect(() => {
    const refocus = () => {
      if (!disabled && (document.activeElement === null || document.activeElement === document.body)) input.current?.focus();
    };
    const later = () => setTimeout(refocus, 0);
    // A button clicked with the mouse (Sell, Kiswahili, …) keeps the focus in the browser, and the
    // scanner's next Enter would press it again. Keyboard presses (detail 0) keep their focus.
    const afterPointerClick = (event: MouseEvent) => {
      if (event.detail === 0) return;
      setTimeout(() => {
        const active = document.activeElement;
        if (!disabled && active instanceof HTMLButtonElement && active.closest('[role="dialog"]') === null) input.current?.focus();
      }, 0);
    };
    refocus();
    document.addEventListener('focusout', later);
    document.addEventListener('click', afterPointerClick);
    return () => {
      document.removeEventListener('focusout', later);
      document.removeEventListener('click', afterPointerClick);
    };
  }, [disabled]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const clear = () => {
    clearTimeout(timer.current);
    searchSeq.current += 1;
    setText('');
    setResults([]);
    setHighlight(-1);
  };

  /**
   * `clearBox`: false after an await. The box was cleared when Enter was read, and a scanner may
   * already be typing the next barcode into it: clearing again would eat its first digits.
   */
  const addProduct = (product: ProductRecord, quantityText: string | undefined, clearBox = true, weighed?: number) => {
    try {
      const quantity = weighed ?? (quantityText === undefined ? undefined : parseQuantity(quantityText.replace(',', '.'), product.unit, t.field_quantity));
      // A weighed item without a typed weight starts at 1 kg / 1 l, ready for `*` to correct.
      const fallback = product.unit === 'piece' ? 1 : 1000;
      dispatch({ type: 'add', product: toCartProduct(product), quantity: quantity ?? fallback });
      setMessage(product.stock_policy === 'block' && product.on_hand <= 0 ? t.stock_none_left(product.name) : null);
    } catch (error) {
      setMessage(errorWords(error, t));
    }
    setPendingQuantity(undefined);
    if (clearBox) clear();
  };

  const submit = async () => {
    const entry = readSearchEntry(text);
    const quantityText = entry.quantity_text ?? pendingQuantity;
    const picked = highlight >= 0 ? results[highlight] : undefined;
    if (picked !== undefined) return addProduct(picked, quantityText);
    if (entry.term === '') {
      if (entry.quantity_text !== undefined) {
        setPendingQuantity(entry.quantity_text);
        setMessage(t.quantity_next(entry.quantity_text));
      }
      return clear();
    }
    clear();
    try {
      if (looksLikeBarcode(entry.term)) {
        const { product } = await till.lookupBarcode({ barcode: entry.term });
        if (product !== null) return addProduct(product, quantityText, false);
        const label = readScaleLabel(entry.term);
        if (label !== null) return await addScaleLabel(label);
      }
      const { products } = await till.searchProducts({ query: entry.term, limit: type_ahead_results_max });
      if (products.length === 1 && products[0] !== undefined) return addProduct(products[0], quantityText, false);
      if (products.length === 0) return setMessage(t.not_found(entry.term));
      setText(entry.quantity_text !== undefined ? `${entry.quantity_text}*${entry.term}` : entry.term);
      setResults(products);
      setHighlight(0);
    } catch (error) {
      setMessage(errorWords(error, t));
    }
  };

  /** A weighing scale's label: the item by its catalog code, the weight from the label. */
  const addScaleLabel = async (label: NonNullable<ReturnType<typeof readScaleLabel>>) => {
    if (label.kind === 'misread') return setMessage(t.scale_label_misread);
    for (const barcode of label.catalog_barcodes) {
      const { product } = await till.lookupBarcode({ barcode });
      if (product === null) continue;
      if (product.unit === 'piece') return setMessage(t.scale_label_for_piece(product.name));
      if (label.grams === 0) return setMessage(t.scale_label_no_weight(product.name));
      return addProduct(product, undefined, false, label.grams);
    }
    return setMessage(t.scale_item_unknown(label.item_code));
  };

  const typeAhead = (value: string) => {
    clearTimeout(timer.current);
    const { term } = readSearchEntry(value);
    // Only words search as you type; digits are most likely a scanner still typing.
    if (term.length < 2 || !/[a-zA-Z]/.test(term)) {
      setResults([]);
      setHighlight(-1);
      return;
    }
    const seq = ++searchSeq.current;
    timer.current = setTimeout(() => {
      till.searchProducts({ query: term, limit: type_ahead_results_max }).then(
        ({ products }) => {
          if (seq !== searchSeq.current) return;
          setResults(products);
          setHighlight(products.length > 0 ? 0 : -1);
        },
        (error: unknown) => setMessage(errorWords(error, t)),
      );
    }, type_ahead_delay_ms);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const { cart } = cartStore.getState();
    const empty = text === '';
    const moveCart = (by: number) => dispatch({ type: 'select', index: Math.max(0, Math.min(cart.lines.length - 1, cart.selected + by)) });
    if (event.key === 'Enter') {
      event.preventDefault();
      void submit();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const by = event.key === 'ArrowDown' ? 1 : -1;
      if (results.length > 0) setHighlight((h) => (h + by + results.length) % results.length);
      else moveCart(by);
    } else if (event.key === 'Escape' && (!empty || pendingQuantity !== undefined)) {
      event.stopPropagation();
      setPendingQuantity(undefined);
      setMessage(null);
      clear();
    } else if (empty && cart.selected >= 0 && (event.key === 'Delete' || event.key === '+' || event.key === '-' || event.key === '*')) {
      event.preventDefault();
      if (event.key === 'Delete') dispatch({ type: 'remove', index: cart.selected });
      else if (event.key === '*') onEditLine('quantity');
      else dispatch({ type: 'adjustQuantity', index: cart.selected, by: event.key === '+' ? 1 : -1 });
    }
  };

  return (
    <div className="search">
      <label htmlFor="sell-search">{t.search_label}</label>
      <input
        id="sell-search"
        ref={input}
        autoFocus
        autoComplete="off"
        disabled={disabled}
        value={text}
        placeholder={t.search_placeholder}
        onChange={(event) => {
          setText(event.target.value);
          typeAhead(event.target.value);
        }}
        onKeyDown={onKeyDown}
        aria-describedby="sell-search-message"
      />
      {pendingQuantity !== undefined && <span className="pending-quantity">{t.quantity_next(pendingQuantity)}</span>}
      <p id="sell-search-message" role="status" className="search-message">{message}</p>
      {results.length > 0 && (
        <ul className="results" role="listbox" aria-label={t.search_results}>
          {results.map((product, index) => (
            <li key={product.product_id} role="option" aria-selected={index === highlight} className={index === highlight ? 'highlight' : undefined}
              onMouseDown={(event) => { event.preventDefault(); addProduct(product, readSearchEntry(text).quantity_text ?? pendingQuantity); }}>
              <span>{product.name}</span>
              <span className="money">{t.price_per(product.unit_price, product.unit)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
