/** Catalog: products with price, cost, VAT class, unit, stock policy and barcode (owner writes). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { barcode_chars_max, sku_chars_max, stock_delta_max, unit_price_cents_max, uuidv7 } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { Db } from '../db/db.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { notFound, parseInput, badRequest } from '../http/errors.js';
import { idParams, nameField, strictBody, uuidField } from '../http/input.js';
import { ownerWrite } from './owner-write.js';
import { listPage, lockForPatch, type OwnerTable } from './owner-table.js';

const code_pattern = /^[\x21-\x7e]+$/;
const codeField = (max: number, what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) })
    .min(1, { error: 'may not be empty' })
    .max(max, { error: `may be at most ${max} characters` })
    .regex(code_pattern, { error: 'may hold only letters, digits and symbols, no spaces' });

const centsField = z
  .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a whole number of cents') })
  .int({ error: 'must be a whole number of cents' })
  .min(0, { error: 'may not be negative' })
  .max(unit_price_cents_max, { error: `may be at most ${unit_price_cents_max}` });

const productFields = {
  name: nameField,
  sku: codeField(sku_chars_max, 'a SKU').nullable(),
  barcode: codeField(barcode_chars_max, 'a barcode').nullable(),
  price_cents: centsField,
  cost_cents: centsField.nullable(),
  vat_class: z.enum(['standard', 'exempt', 'zero_rated'], { error: 'must be standard, exempt or zero_rated' }),
  unit: z.enum(['piece', 'gram', 'millilitre'], { error: 'must be piece, gram or millilitre' }),
  stock_policy: z.enum(['block', 'allow_with_override'], { error: 'must be block or allow_with_override' }),
  active: z.boolean({ error: 'must be true or false' }),
  /** At or below this on hand the product is low (in its unit); null: no reorder level. */
  reorder_level: z
    .number({ error: 'must be a whole number in the product\'s unit' })
    .int({ error: 'must be a whole number in the product\'s unit' })
    .min(0, { error: 'may not be negative' })
    .max(stock_delta_max, { error: `may be at most ${stock_delta_max}` })
    .nullable(),
};

export const productCreateBody = strictBody({
  id: uuidField.optional(),
  name: productFields.name,
  sku: productFields.sku.optional(),
  barcode: productFields.barcode.optional(),
  price_cents: productFields.price_cents,
  cost_cents: productFields.cost_cents.optional(),
  vat_class: productFields.vat_class.optional(),
  unit: productFields.unit.optional(),
  stock_policy: productFields.stock_policy.optional(),
  reorder_level: productFields.reorder_level.optional(),
});

export const productPatchBody = strictBody({
  name: productFields.name.optional(),
  sku: productFields.sku.optional(),
  barcode: productFields.barcode.optional(),
  price_cents: productFields.price_cents.optional(),
  cost_cents: productFields.cost_cents.optional(),
  vat_class: productFields.vat_class.optional(),
  unit: productFields.unit.optional(),
  stock_policy: productFields.stock_policy.optional(),
  active: productFields.active.optional(),
  reorder_level: productFields.reorder_level.optional(),
});

export interface Product {
  id: string;
  name: string;
  sku: string | null;
  barcode: string | null;
  price_cents: number;
  cost_cents: number | null;
  vat_class: 'standard' | 'exempt' | 'zero_rated';
  unit: 'piece' | 'gram' | 'millilitre';
  stock_policy: 'block' | 'allow_with_override';
  active: boolean;
  reorder_level: number | null;
  updated_at: string;
}

export const product_columns = `id::text AS id, name, sku, barcode, price_cents, cost_cents, vat_class, unit, stock_policy, active, reorder_level, updated_at`;
const products_table: OwnerTable = { name: 'products', columns: product_columns, noun: 'product' };

export function toProduct(row: Omit<Product, 'updated_at' | 'reorder_level'> & { updated_at: Date | string; reorder_level: number | string | null }): Product {
  return { ...row, reorder_level: row.reorder_level === null ? null : Number(row.reorder_level), updated_at: new Date(row.updated_at).toISOString() };
}

async function loadProduct(db: Db, businessId: string, id: string): Promise<Product | null> {
  const rows = await db.query<Product>(`SELECT ${product_columns} FROM products WHERE business_id = $1 AND id = $2`, [businessId, id]);
  return rows[0] ? toProduct(rows[0]) : null;
}

export async function insertProduct(tx: Db, businessId: string, product: Omit<Product, 'updated_at' | 'reorder_level'> & { reorder_level?: number | null }, at: string): Promise<Product> {
  const rows = await tx.query<Product>(
    `INSERT INTO products (id, business_id, name, sku, barcode, price_cents, cost_cents, vat_class, unit, stock_policy, active, reorder_level, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $13, $12, $12) RETURNING ${product_columns}`,
    [product.id, businessId, product.name, product.sku, product.barcode, product.price_cents, product.cost_cents, product.vat_class, product.unit, product.stock_policy, product.active, at, product.reorder_level ?? null],
  );
  return toProduct(rows[0] as Product);
}

export async function registerProductRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/v1/products', { config: { access: 'manager' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const rows = await listPage<Product>(deps.db, products_table, principal.business_id, request.query);
    return { products: rows.map(toProduct) };
  });

  app.get('/v1/products/:id', { config: { access: 'manager' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { id } = parseInput(idParams, request.params, 'params');
    const product = await loadProduct(deps.db, principal.business_id, id);
    if (!product) throw notFound('product', 'id');
    return product;
  });

  app.post('/v1/products', { config: { access: 'owner' } }, async (request, reply) => {
    const principal = request.principal as StaffPrincipal;
    const body = parseInput(productCreateBody, request.body);
    const product = await ownerWrite(deps, principal, async (tx, now) => {
      const created = await insertProduct(
        tx,
        principal.business_id,
        {
          id: body.id ?? uuidv7(deps.clock, deps.random),
          name: body.name,
          sku: body.sku ?? null,
          barcode: body.barcode ?? null,
          price_cents: body.price_cents,
          cost_cents: body.cost_cents ?? null,
          vat_class: body.vat_class ?? 'standard',
          unit: body.unit ?? 'piece',
          stock_policy: body.stock_policy ?? 'allow_with_override',
          active: true,
          reorder_level: body.reorder_level ?? null,
        },
        new Date(now).toISOString(),
      );
      return { audit: { kind: 'product.created', subject: created.id, data: created }, feed: { kind: 'product', entity_id: created.id, data: created }, response: created };
    });
    return reply.status(201).send(product);
  });

  app.patch('/v1/products/:id', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { id } = parseInput(idParams, request.params, 'params');
    const body = parseInput(productPatchBody, request.body);
    const fields = Object.keys(body) as Array<keyof typeof body>;
    if (fields.length === 0) throw badRequest('invalid_input', 'body: name at least one field to change', 'body');
    return ownerWrite(deps, principal, async (tx, now) => {
      const old = await lockForPatch<Product>(tx, products_table, principal.business_id, id);
      const next = { ...toProduct(old), ...body };
      const rows = await tx.query<Product>(
        `UPDATE products SET name = $3, sku = $4, barcode = $5, price_cents = $6, cost_cents = $7, vat_class = $8, unit = $9,
                stock_policy = $10, active = $11, updated_at = $12, reorder_level = $13
          WHERE business_id = $1 AND id = $2 RETURNING ${product_columns}`,
        [principal.business_id, id, next.name, next.sku, next.barcode, next.price_cents, next.cost_cents, next.vat_class, next.unit, next.stock_policy, next.active, new Date(now).toISOString(), next.reorder_level],
      );
      const updated = toProduct(rows[0] as Product);
      const changed = Object.fromEntries(fields.map((field) => [field, { from: toProduct(old)[field], to: updated[field] }]));
      return { audit: { kind: 'product.updated', subject: id, data: { changed } }, feed: { kind: 'product', entity_id: id, data: updated }, response: updated };
    });
  });

  // Products are never deleted (sales refer to them): DELETE retires one from sale.
  app.delete('/v1/products/:id', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { id } = parseInput(idParams, request.params, 'params');
    return ownerWrite(deps, principal, async (tx, now) => {
      const rows = await tx.query<Product>(
        `UPDATE products SET active = false, updated_at = $3 WHERE business_id = $1 AND id = $2 RETURNING ${product_columns}`,
        [principal.business_id, id, new Date(now).toISOString()],
      );
      if (!rows[0]) throw notFound('product', 'id');
      const retired = toProduct(rows[0]);
      return { audit: { kind: 'product.retired', subject: id, data: {} }, feed: { kind: 'product', entity_id: id, data: retired }, response: retired };
    });
  });
}
