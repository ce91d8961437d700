/**
 * A grid of quick products for touch screens and unlabelled goods: the ledger's favourites (the
 * products this till sold on the most sales lately; none before the first sale, and then the
 * grid is hidden). Each is a button, reachable with Tab.
 */
import { useEffect, useState } from 'react';
import { formatKes, type ProductRecord } from '@payme/shared';
import { useDeps } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { useCart } from '../../state/use-store.js';
import { defaultQuantity, toCartProduct } from '../../state/cart-state.js';

const favourites_max = 12;

export function Favourites() {
  const t = useT();
  const { till } = useDeps();
  const dispatch = useCart((s) => s.dispatch);
  const [products, setProducts] = useState<ProductRecord[]>([]);
  useEffect(() => {
    let live = true;
    till.favouriteProducts({ limit: favourites_max }).then(
      ({ products: found }) => live && setProducts(found),
      () => live && setProducts([]),
    );
    return () => {
      live = false;
    };
  }, [till]);
  if (products.length === 0) return null;
  return (
    <section className="favourites" aria-label={t.favourites}>
      {products.map((product) => (
        <button key={product.product_id} type="button"
          onClick={() => {
            dispatch({ type: 'add', product: toCartProduct(product), quantity: defaultQuantity(product) });
            // The search box keeps the focus (UX 2): the next scan must land there, not on this button.
            document.getElementById('sell-search')?.focus();
          }}>
          <span>{product.name}</span>
          <small className="money">{formatKes(product.unit_price)}</small>
        </button>
      ))}
    </section>
  );
}
