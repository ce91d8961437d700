/** The Catalog page's calls: products, one product's change, the import, and which tills have it. */
import { productImportResponseSchema, productSchema, productsResponseSchema, productTillsResponseSchema, type ProductEditBody } from '@payme/shared';
import type { OwnerHttp } from '../../api/owner-http.js';
import type { ImportRowBody } from './catalog-csv.js';

/** The owner lists page at most this many products (the server's list limit). */
export const catalog_page_rows = 1_000;

export function catalogApi(http: OwnerHttp) {
  return {
    list: () => http.get('/v1/products', productsResponseSchema, { limit: catalog_page_rows }),
    update: (id: string, body: ProductEditBody) => http.send('PATCH', `/v1/products/${encodeURIComponent(id)}`, body, productSchema),
    import: (rows: ImportRowBody[]) => http.send('POST', '/v1/products/import', { rows }, productImportResponseSchema),
    tills: (id: string) => http.get(`/v1/products/${encodeURIComponent(id)}/tills`, productTillsResponseSchema),
  };
}

/** Query keys: `products` and `catalog` are made stale by the live feed's product and till changes. */
export const catalog_keys = {
  products: ['products', 'list'] as const,
  tills: (id: string) => ['catalog', 'tills', id] as const,
};
