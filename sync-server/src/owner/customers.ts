/** Customers and their credit limits (owner writes); balances come from the ingest projections. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sale_total_cents_max, uuidv7, type OwnerCustomer as Customer } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { badRequest, parseInput } from '../http/errors.js';
import { idParams, nameField, strictBody, uuidField } from '../http/input.js';
import { ownerWrite } from './owner-write.js';
import { listPage, lockForPatch, type OwnerTable } from './owner-table.js';

export const phoneField = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a phone number like 254712345678') })
  .regex(/^254[17]\d{8}$/, { error: 'must be a phone number like 254712345678' });

const creditLimitField = z
  .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a whole number of cents') })
  .int({ error: 'must be a whole number of cents' })
  .min(0, { error: 'may not be negative' })
  .max(sale_total_cents_max, { error: `may be at most ${sale_total_cents_max}` });

const customerCreateBody = strictBody({
  id: uuidField.optional(),
  name: nameField,
  phone: phoneField.nullable().optional(),
  credit_limit_cents: creditLimitField.optional(),
});

const customerPatchBody = strictBody({
  name: nameField.optional(),
  phone: phoneField.nullable().optional(),
  credit_limit_cents: creditLimitField.optional(),
  active: z.boolean({ error: 'must be true or false' }).optional(),
});

const customer_columns = `id::text AS id, name, phone, credit_limit_cents, active, updated_at`;
const customers_table: OwnerTable = { name: 'customers', columns: customer_columns, noun: 'customer' };
const toCustomer = (row: Omit<Customer, 'updated_at'> & { updated_at: Date | string }): Customer => ({ ...row, updated_at: new Date(row.updated_at).toISOString() });

export async function registerCustomerRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/v1/customers', { config: { access: 'manager' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const rows = await listPage<Customer>(deps.db, customers_table, principal.business_id, request.query);
    return { customers: rows.map(toCustomer) };
  });

  app.post('/v1/customers', { config: { access: 'owner' } }, async (request, reply) => {
    const principal = request.principal as StaffPrincipal;
    const body = parseInput(customerCreateBody, request.body);
    const created = await ownerWrite(deps, principal, async (tx, now) => {
      const at = new Date(now).toISOString();
      const rows = await tx.query<Customer>(
        `INSERT INTO customers (id, business_id, name, phone, credit_limit_cents, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, true, $6, $6) RETURNING ${customer_columns}`,
        [body.id ?? uuidv7(deps.clock, deps.random), principal.business_id, body.name, body.phone ?? null, body.credit_limit_cents ?? 0, at],
      );
      const customer = toCustomer(rows[0] as Customer);
      // The audit entry keeps the fact of a phone number, not the number (phones stay out of logs).
      const audited = { ...customer, phone: customer.phone === null ? null : 'set' };
      return { audit: { kind: 'customer.created', subject: customer.id, data: audited }, feed: { kind: 'customer', entity_id: customer.id, data: customer }, response: customer };
    });
    return reply.status(201).send(created);
  });

  app.patch('/v1/customers/:id', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { id } = parseInput(idParams, request.params, 'params');
    const body = parseInput(customerPatchBody, request.body);
    const fields = Object.keys(body) as Array<keyof typeof body>;
    if (fields.length === 0) throw badRequest('invalid_input', 'body: name at least one field to change', 'body');
    return ownerWrite(deps, principal, async (tx, now) => {
      const old = await lockForPatch<Customer>(tx, customers_table, principal.business_id, id);
      const next = { ...toCustomer(old), ...body };
      const rows = await tx.query<Customer>(
        `UPDATE customers SET name = $3, phone = $4, credit_limit_cents = $5, active = $6, updated_at = $7
          WHERE business_id = $1 AND id = $2 RETURNING ${customer_columns}`,
        [principal.business_id, id, next.name, next.phone, next.credit_limit_cents, next.active, new Date(now).toISOString()],
      );
      const customer = toCustomer(rows[0] as Customer);
      const oldCustomer = toCustomer(old);
      const changed = Object.fromEntries(
        fields.map((field) => [field, field === 'phone' ? { changed: true } : { from: oldCustomer[field], to: customer[field] }]),
      );
      return { audit: { kind: 'customer.updated', subject: id, data: { changed } }, feed: { kind: 'customer', entity_id: id, data: customer }, response: customer };
    });
  });
}
