/**
 * The always-focused search box: scanner input (fast keys + Enter → lookupBarcode), `3*`
 * quantities, type-ahead search with arrow keys and Enter, and the cart keys (Del, `*`, `+`,
 * `-`, arrows) when the box is empty. Finding products is `find-product.ts`, searching as you
 * type `use-type-ahead.ts`, keeping the focus `use-search-focus.ts`.
 */
import { useRef, useState, type KeyboardEvent } from 'react';
import { parseQuantity, type ProductRecord } from '@payme/shared';
import { useDeps } from '../../app-context.js';
import { useT, type Messages } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { useCart, useStoreApis } from '../../state/use-store.js';
import { looksLikeBarcode, readSearchEntry } from '../../state/scan-entry.js';
import { defaultQuantity, toCartProduct, type CartAction, type CartState } from '../../state/cart-state.js';
import { findProducts } from './find-product.js';
import { indexedFinder } from '../../state/barcode-index.js';
import { useSearchFocus } from './use-search-focus.js';
import { useTypeAhead, type TypeAhead } from './use-type-ahead.js';

/** The cart key pressed in an empty box, as a cart action (`*` opens the quantity editor instead). */
function cartKeyAction(key: string, cart: CartState): CartAction | 'edit_quantity' | null {
  if (cart.selected < 0) return null;
  if (key === 'Delete') return { type: 'remove', index: cart.selected };
  if (key === '*') return 'edit_quantity';
  if (key === '+' || key === '-') return { type: 'adjustQuantity', index: cart.selected, by: key === '+' ? 1 : -1 };
  return null;
}

/** The line to add for a product, or the cashier's words for why the typed quantity is refused. */
function addAction(product: ProductRecord, quantityText: string | undefined, weighed: number | undefined, t: Messages): CartAction {
  const typed = weighed !== undefined || quantityText === undefined ? undefined : parseQuantity(quantityText.replace(',', '.'), product.unit, t.field_quantity);
  return { type: 'add', product: toCartProduct(product), quantity: weighed ?? typed ?? defaultQuantity(product) };
}

export function SearchBox({ onEditLine, disabled }: { onEditLine: (mode: 'quantity') => void; disabled: boolean }) {
  const t = useT();
  const { till, barcode_index } = useDeps();
  const { cart: cartStore } = useStoreApis();
  const dispatch = useCart((s) => s.dispatch);
  const [text, setText] = useState('');
  const [pendingQuantity, setPendingQuantity] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const search = useTypeAhead(till, (error) => setMessage(errorWords(error, t)));
  useSearchFocus(input, disabled);

  const clear = () => {
    search.clear();
    setText('');
  };

  /**
   * `clearBox`: false after an await. The box was cleared when Enter was read, and a scanner may
   * already be typing the next barcode into it: clearing again would eat its first digits.
   */
  const addProduct = (product: ProductRecord, quantityText: string | undefined, clearBox = true, weighed?: number) => {
    try {
      dispatch(addAction(product, quantityText, weighed, t));
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
    const picked = search.highlight >= 0 ? search.results[search.highlight] : undefined;
    if (picked !== undefined) return addProduct(picked, quantityText);
    if (entry.term === '') {
      if (entry.quantity_text !== undefined) {
        setPendingQuantity(entry.quantity_text);
        setMessage(t.quantity_next(entry.quantity_text));
      }
      return clear();
    }
    // A barcode the index knows is added in this keypress: one render, no round trip (issue 17).
    const indexed = looksLikeBarcode(entry.term) ? barcode_index?.find(entry.term) : undefined;
    if (indexed !== undefined) return addProduct(indexed, quantityText);
    clear();
    try {
      const found = await findProducts(indexedFinder(till, barcode_index), entry.term, t);
      if (found.kind === 'product') return addProduct(found.product, quantityText, false, found.weighed);
      if (found.kind === 'message') return setMessage(found.text);
      setText(entry.quantity_text !== undefined ? `${entry.quantity_text}*${entry.term}` : entry.term);
      setMessage(null);
      search.show(found.products);
    } catch (error) {
      setMessage(errorWords(error, t));
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const { cart } = cartStore.getState();
    const empty = text === '';
    if (event.key === 'Enter') {
      event.preventDefault();
      void submit();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const by = event.key === 'ArrowDown' ? 1 : -1;
      if (search.results.length > 0) search.moveHighlight(by);
      else dispatch({ type: 'select', index: Math.max(0, Math.min(cart.lines.length - 1, cart.selected + by)) });
    } else if (event.key === 'Escape' && (!empty || pendingQuantity !== undefined)) {
      event.stopPropagation();
      setPendingQuantity(undefined);
      setMessage(null);
      clear();
    } else if (empty) {
      const action = cartKeyAction(event.key, cart);
      if (action === null) return;
      event.preventDefault();
      if (action === 'edit_quantity') onEditLine('quantity');
      else dispatch(action);
    }
  };

  return (
    <div className="search">
      <label htmlFor="sell-search">{t.search_label}</label>
      <input
        id="sell-search"
        ref={input}
        data-main-field
        autoFocus
        autoComplete="off"
        disabled={disabled}
        value={text}
        placeholder={t.search_placeholder}
        onChange={(event) => {
          // A new search: what was said of the last one ("Nothing found") is not about it (issue 17).
          if (text === '' && event.target.value !== '') setMessage(null);
          setText(event.target.value);
          search.typed(event.target.value);
        }}
        onKeyDown={onKeyDown}
        aria-describedby="sell-search-message"
      />
      {pendingQuantity !== undefined && <span className="pending-quantity">{t.quantity_next(pendingQuantity)}</span>}
      <p id="sell-search-message" role="status" className="search-message">{message}</p>
      <SearchResults search={search} onPick={(product) => addProduct(product, readSearchEntry(text).quantity_text ?? pendingQuantity)} />
    </div>
  );
}

function SearchResults({ search, onPick }: { search: TypeAhead; onPick: (product: ProductRecord) => void }) {
  const t = useT();
  if (search.results.length === 0) return null;
  return (
    <ul className="results" role="listbox" aria-label={t.search_results}>
      {search.results.map((product, index) => (
        <li key={product.product_id} role="option" aria-selected={index === search.highlight} className={index === search.highlight ? 'highlight' : undefined}
          onMouseDown={(event) => { event.preventDefault(); onPick(product); }}>
          <span>{product.name}</span>
          <span className="money">{t.price_per(product.unit_price, product.unit)}</span>
        </li>
      ))}
    </ul>
  );
}
