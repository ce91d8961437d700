/** A scan-or-type field that finds one product (barcode first, then a name search). */
import { useState } from 'react';
import type { ProductRecord } from '@payme/shared';
import { useDeps } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { errorWords } from '../../error-words.js';
import { looksLikeBarcode } from '../../state/scan-entry.js';

export function ProductScan({ onProduct, label }: { onProduct: (product: ProductRecord) => void; label: string }) {
  const t = useT();
  const { till } = useDeps();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const find = async () => {
    const term = text.trim();
    setText('');
    setError(null);
    if (term === '') return;
    try {
      if (looksLikeBarcode(term)) {
        const { product } = await till.lookupBarcode({ barcode: term });
        if (product !== null) return onProduct(product);
      }
      const { products } = await till.searchProducts({ query: term, limit: 1 });
      if (products[0] === undefined) return setError(t.not_found(term));
      onProduct(products[0]);
    } catch (findError) {
      setError(errorWords(findError, t));
    }
  };
  return (
    <form onSubmit={(event) => { event.preventDefault(); void find(); }}>
      <label>{label}<input autoFocus autoComplete="off" value={text} onChange={(event) => setText(event.target.value)} /></label>
      {error !== null && <span role="alert" className="error">{error}</span>}
    </form>
  );
}
