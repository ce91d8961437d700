/**
 * Catalog import (owner): `POST /v1/products/import {rows}`, the rows of a price list the owner
 * uploaded as CSV. A row whose SKU is already a product's updates that product; any other row
 * adds one. Every row is checked before anything is written, and every refusal is reported at
 * once (`details.errors`: the row's position, counted from 1, its field and the reason), so the
 * owner fixes the file in one go; with any refusal nothing at all is written. A good import is one
 * write: the products, one audit entry and a feed change per product, committed together.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { uuidv7 } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { Db } from '../db/db.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { badRequest } from '../http/errors.js';
import { strictBody } from '../http/input.js';
import { ownerWrite } from './owner-write.js';
import { insertProduct, productCreateBody, product_columns, toProduct, type Product } from './products.js';

/** One upload at most this many rows: one transaction, one request body well under 1 MiB. */
export const product_import_rows_max = 1_000;
/** At most this many refusals are reported; the owner fixes them and uploads again. */
export const product_import_errors_max = 200;

/** A row is what POST /v1/products takes, without an id (a new product's id is the server's). */
const importRow = productCreateBody.omit({ id: true });
type ImportRow = z.output<typeof importRow>;

const importBody = strictBody({
  rows: z
    .array(z.unknown(), { error: 'must be a list of products' })
    .min(1, { error: 'the file has no product rows' })
    .max(product_import_rows_max, { error: `may hold at most ${product_import_rows_max} products; split the file` }),
});

export interface ImportRowError {
  /** The row's position in `rows`, counted from 1. */
  row: number;
  field: string;
  message: string;
}

function checkRows(rows: readonly unknown[]): { valid: ImportRow[]; errors: ImportRowError[] } {
  const valid: ImportRow[] = [];
  const errors: ImportRowError[] = [];
  const seen = { sku: new Map<string, number>(), barcode: new Map<string, number>() };
  rows.forEach((raw, index) => {
    const row = index + 1;
    const parsed = importRow.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ row, field: String(issue.path[0] ?? 'row'), message: issue.message });
    }
    // Repeats are looked for on every row, valid or not, so one upload reports them all.
    for (const field of ['sku', 'barcode'] as const) {
      const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[field] : undefined;
      if (typeof value !== 'string' || value === '') continue;
      const first = seen[field].get(value);
      if (first !== undefined) errors.push({ row, field, message: `is the same as row ${first}'s; each product needs its own` });
      else seen[field].set(value, row);
    }
    if (parsed.success) valid.push(parsed.data);
  });
  return { valid, errors };
}

/** Barcodes that another product (not the one the row's SKU updates) already has. */
async function barcodeClashes(tx: Db, businessId: string, rows: readonly ImportRow[], bySku: ReadonlyMap<string, Product>): Promise<ImportRowError[]> {
  const barcodes = rows.map((row) => row.barcode).filter((code): code is string => typeof code === 'string');
  if (barcodes.length === 0) return [];
  const taken = await tx.query<{ id: string; barcode: string; name: string }>(
    'SELECT id::text AS id, barcode, name FROM products WHERE business_id = $1 AND barcode = ANY($2::text[])',
    [businessId, barcodes],
  );
  const owner = new Map(taken.map((product) => [product.barcode, product]));
  const errors: ImportRowError[] = [];
  rows.forEach((row, index) => {
    const holder = row.barcode ? owner.get(row.barcode) : undefined;
    const self = row.sku ? bySku.get(row.sku) : undefined;
    if (holder && holder.id !== self?.id) errors.push({ row: index + 1, field: 'barcode', message: `already belongs to "${holder.name}"; use another barcode or leave it empty` });
  });
  return errors;
}

function refuse(errors: ImportRowError[]): never {
  const shown = errors.slice(0, product_import_errors_max);
  const first = shown[0] as ImportRowError;
  throw badRequest('invalid_input', `row ${first.row}, ${first.field}: ${first.message} (${errors.length} problem${errors.length === 1 ? '' : 's'} in all; nothing was imported)`, 'rows', {
    errors: shown,
    error_count: errors.length,
  });
}

export async function registerProductImportRoute(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.post('/v1/products/import', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const parsedBody = importBody.safeParse(request.body);
    if (!parsedBody.success) throw badRequest('invalid_input', `rows: ${parsedBody.error.issues[0]?.message ?? 'must be a list of products'}`, 'rows');
    const { valid, errors } = checkRows(parsedBody.data.rows);
    if (errors.length > 0) refuse(errors);
    return ownerWrite(deps, principal, async (tx, now) => {
      const at = new Date(now).toISOString();
      const skus = valid.map((row) => row.sku).filter((sku): sku is string => typeof sku === 'string');
      const existing = await tx.query<Product>(`SELECT ${product_columns} FROM products WHERE business_id = $1 AND sku = ANY($2::text[]) FOR UPDATE`, [principal.business_id, skus]);
      const bySku = new Map(existing.map((row) => [row.sku as string, toProduct(row)]));
      const clashes = await barcodeClashes(tx, principal.business_id, valid, bySku);
      if (clashes.length > 0) refuse(clashes);
      const written: Array<{ product: Product; created: boolean }> = [];
      for (const row of valid) {
        const old = row.sku ? bySku.get(row.sku) : undefined;
        if (old) written.push({ product: await updateFromRow(tx, principal.business_id, old, row, at), created: false });
        else written.push({ product: await createFromRow(tx, deps, principal.business_id, row, at), created: true });
      }
      const created = written.filter((entry) => entry.created).map((entry) => entry.product.id);
      const updated = written.filter((entry) => !entry.created).map((entry) => entry.product.id);
      return {
        audit: { kind: 'product.imported', subject: principal.business_id, data: { created, updated } },
        feed: written.map(({ product }) => ({ kind: 'product', entity_id: product.id, data: product })),
        response: { created: created.length, updated: updated.length, products: written.map((entry) => entry.product) },
      };
    });
  });
}

function createFromRow(tx: Db, deps: ServerDeps, businessId: string, row: ImportRow, at: string): Promise<Product> {
  return insertProduct(
    tx,
    businessId,
    {
      id: uuidv7(deps.clock, deps.random),
      name: row.name,
      sku: row.sku ?? null,
      barcode: row.barcode ?? null,
      price_cents: row.price_cents,
      cost_cents: row.cost_cents ?? null,
      vat_class: row.vat_class ?? 'standard',
      unit: row.unit ?? 'piece',
      stock_policy: row.stock_policy ?? 'allow_with_override',
      active: true,
      reorder_level: row.reorder_level ?? null,
    },
    at,
  );
}

/** A row names what it changes; a column left out of the file keeps the product's value. */
async function updateFromRow(tx: Db, businessId: string, old: Product, row: ImportRow, at: string): Promise<Product> {
  const next = { ...old, ...Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined)) } as Product;
  const rows = await tx.query<Product>(
    `UPDATE products SET name = $3, barcode = $4, price_cents = $5, cost_cents = $6, vat_class = $7, unit = $8, reorder_level = $9, updated_at = $10, stock_policy = $11
      WHERE business_id = $1 AND id = $2 RETURNING ${product_columns}`,
    [businessId, old.id, next.name, next.barcode, next.price_cents, next.cost_cents, next.vat_class, next.unit, next.reorder_level, at, next.stock_policy],
  );
  return toProduct(rows[0] as Product);
}
