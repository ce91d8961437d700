/** The Customers page's calls: the list, a new customer, a change of name, phone or credit limit. */
import { customerSchema, customersResponseSchema, type CustomerEditBody } from '@payme/shared';
import type { OwnerHttp } from '../../api/owner-http.js';

export const customers_page_rows = 1_000;

export function customersApi(http: OwnerHttp) {
  return {
    list: () => http.get('/v1/customers', customersResponseSchema, { limit: customers_page_rows }),
    create: (body: CustomerEditBody) => http.send('POST', '/v1/customers', body, customerSchema),
    update: (id: string, body: CustomerEditBody) => http.send('PATCH', `/v1/customers/${encodeURIComponent(id)}`, body, customerSchema),
  };
}

/** `customers` is made stale by the live feed's customer and balance changes. */
export const customers_keys = { list: ['customers', 'list'] as const };
