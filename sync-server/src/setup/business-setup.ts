/**
 * Creating a business and its first records outside the HTTP API (CLI `init`, test fixtures).
 * Every record goes through the same audit + feed path as the owner routes, so a freshly set-up
 * business already has a verifiable chain from its first entry.
 */
import { hashSecret, isoAt, setting_defaults, setting_schemas, uuidv7, type Clock, type Random, type SettingKey } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { ServerConfig } from '../config.js';
import type { AuditService } from '../audit/audit-log.js';
import { appendFeedChange } from '../feed/changes.js';
import { insertProduct, type Product } from '../owner/products.js';

export interface SetupDeps {
  db: Db;
  clock: Clock;
  random: Random;
  config: Pick<ServerConfig, 'password_hash_cost' | 'pin_hash_cost' | 'enrollment_code_ttl_ms'>;
  audit: AuditService;
}

export interface NewStaff {
  id?: string;
  name: string;
  role: 'owner' | 'manager' | 'cashier';
  email?: string;
  password?: string;
  pin?: string;
}

export type NewProduct = Omit<Product, 'id' | 'updated_at' | 'active' | 'reorder_level'> & { id?: string; reorder_level?: number | null };

export async function createBusiness(
  tx: Db,
  deps: SetupDeps,
  input: { name: string; time_zone?: string; store_name: string; id?: string },
): Promise<{ business_id: string; store_id: string }> {
  const now = deps.clock.now();
  const businessId = input.id ?? uuidv7(deps.clock, deps.random);
  const storeId = uuidv7(deps.clock, deps.random);
  await tx.query('INSERT INTO businesses (id, name, time_zone, created_at) VALUES ($1, $2, $3, $4)', [businessId, input.name, input.time_zone ?? 'Africa/Nairobi', isoAt(now)]);
  await tx.query('INSERT INTO stores (id, business_id, name, created_at) VALUES ($1, $2, $3, $4)', [storeId, businessId, input.store_name, isoAt(now)]);
  await deps.audit.append(tx, businessId, { kind: 'business.created', actor: null, subject: businessId, data: { name: input.name, time_zone: input.time_zone ?? 'Africa/Nairobi' }, occurred_at: isoAt(now) });
  await deps.audit.append(tx, businessId, { kind: 'store.created', actor: null, subject: storeId, data: { id: storeId, name: input.store_name }, occurred_at: isoAt(now) });
  await appendFeedChange(tx, businessId, { kind: 'store', entity_id: storeId, data: { id: storeId, name: input.store_name } }, now);
  return { business_id: businessId, store_id: storeId };
}

export async function addStaff(tx: Db, deps: SetupDeps, businessId: string, staff: NewStaff, actor: string | null = null): Promise<string> {
  const now = deps.clock.now();
  const id = staff.id ?? uuidv7(deps.clock, deps.random);
  const email = staff.email?.toLowerCase() ?? null;
  const pinHash = staff.pin === undefined ? null : hashSecret(staff.pin, deps.random, deps.config.pin_hash_cost);
  const passwordHash = staff.password === undefined ? null : hashSecret(staff.password, deps.random, deps.config.password_hash_cost);
  await tx.query(
    `INSERT INTO staff (id, business_id, name, role, email, password_hash, pin_hash, active, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $8)`,
    [id, businessId, staff.name, staff.role, email, passwordHash, pinHash, isoAt(now)],
  );
  const visible = { id, name: staff.name, role: staff.role, email, active: true, has_pin: pinHash !== null, has_password: passwordHash !== null, updated_at: isoAt(now) };
  await deps.audit.append(tx, businessId, { kind: 'staff.created', actor, subject: id, data: visible, occurred_at: isoAt(now) });
  await appendFeedChange(
    tx,
    businessId,
    { kind: 'staff', entity_id: id, data: { id, name: staff.name, role: staff.role, email, active: true, updated_at: isoAt(now), pin_hash: pinHash } },
    now,
  );
  return id;
}

export async function addProducts(tx: Db, deps: SetupDeps, businessId: string, products: ReadonlyArray<NewProduct>, actor: string | null = null): Promise<Product[]> {
  const now = deps.clock.now();
  const created: Product[] = [];
  for (const product of products) {
    const row = await insertProduct(tx, businessId, { ...product, id: product.id ?? uuidv7(deps.clock, deps.random), active: true }, isoAt(now));
    await deps.audit.append(tx, businessId, { kind: 'product.created', actor, subject: row.id, data: row, occurred_at: isoAt(now) });
    await appendFeedChange(tx, businessId, { kind: 'product', entity_id: row.id, data: row }, now);
    created.push(row);
  }
  return created;
}

/** A business setting (shared's `setting_schemas` key), audited and on the feed as the owner's PUT /v1/settings/:key. */
export async function addSetting(tx: Db, deps: SetupDeps, businessId: string, key: SettingKey, value: unknown, actor: string | null = null): Promise<void> {
  const now = deps.clock.now();
  const parsed: unknown = setting_schemas[key].parse(value);
  await tx.query('INSERT INTO settings (business_id, key, value, updated_at) VALUES ($1, $2, $3, $4)', [businessId, key, JSON.stringify(parsed), isoAt(now)]);
  await deps.audit.append(tx, businessId, { kind: 'setting.changed', actor, subject: key, data: { from: setting_defaults[key], to: parsed }, occurred_at: isoAt(now) });
  await appendFeedChange(tx, businessId, { kind: 'setting', entity_id: key, data: { key, value: parsed } }, now);
}

export interface NewCustomer {
  name: string;
  phone: string | null;
  credit_limit_cents: number;
}

/** A customer with a credit limit, audited (the phone only as "set") and on the feed as POST /v1/customers. */
export async function addCustomer(tx: Db, deps: SetupDeps, businessId: string, customer: NewCustomer, actor: string | null = null): Promise<string> {
  const now = deps.clock.now();
  const id = uuidv7(deps.clock, deps.random);
  await tx.query(
    `INSERT INTO customers (id, business_id, name, phone, credit_limit_cents, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, true, $6, $6)`,
    [id, businessId, customer.name, customer.phone, customer.credit_limit_cents, isoAt(now)],
  );
  const row = { id, ...customer, active: true, updated_at: isoAt(now) };
  await deps.audit.append(tx, businessId, { kind: 'customer.created', actor, subject: id, data: { ...row, phone: customer.phone === null ? null : 'set' }, occurred_at: isoAt(now) });
  await appendFeedChange(tx, businessId, { kind: 'customer', entity_id: id, data: row }, now);
  return id;
}
