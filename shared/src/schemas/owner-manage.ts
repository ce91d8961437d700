/**
 * The answers of the owner's "manage" and "prove it" routes (UX owner 5 and 6) as the owner web
 * view reads them: the catalog and its import, staff, customers, the M-Pesa account (secrets
 * masked), the audit log with its verification and signed checkpoint, and quarantined events.
 * The request bodies are checked by the server's own schemas (sync-server/src/owner/); these are
 * the shapes the page relies on, with the server's field names.
 */
import { z } from 'zod';
import { sale_total_cents_max, stock_delta_max, unit_price_cents_max } from '../limits.js';
import { boundedInt, nameInput, phone, pin, role, strictObject, uuid } from './common.js';
import { email, newPassword } from './owner-api.js';

const int = z.number().int();
const iso = z.string().max(40);

// ---------------------------------------------------------------------------------------------
// Catalog: GET /v1/products, PATCH /v1/products/:id, POST /v1/products/import
// ---------------------------------------------------------------------------------------------

export const product_vat_classes = ['standard', 'exempt', 'zero_rated'] as const;
export const product_units = ['piece', 'gram', 'millilitre'] as const;

export const productSchema = z.object({
  id: uuid,
  name: z.string(),
  sku: z.string().nullable(),
  barcode: z.string().nullable(),
  price_cents: int,
  cost_cents: int.nullable(),
  vat_class: z.enum(product_vat_classes),
  unit: z.enum(product_units),
  stock_policy: z.enum(['block', 'allow_with_override']),
  active: z.boolean(),
  reorder_level: int.nullable(),
  updated_at: iso,
});
export type CatalogProduct = z.infer<typeof productSchema>;
export const productsResponseSchema = z.object({ products: z.array(productSchema) });

/** What the Catalog page's edit form sends as PATCH /v1/products/:id (the server's rules). */
export const productEditBodySchema = strictObject({
  name: nameInput,
  price_cents: boundedInt(0, unit_price_cents_max, 'a whole number of cents'),
  cost_cents: boundedInt(0, unit_price_cents_max, 'a whole number of cents').nullable(),
  reorder_level: boundedInt(0, stock_delta_max, "a whole number in the product's unit").nullable(),
});
export type ProductEditBody = z.output<typeof productEditBodySchema>;

/** The columns a catalog CSV may have (the header row names them; any order, others refused). */
export const product_import_columns = ['name', 'sku', 'barcode', 'price', 'cost', 'reorder_level', 'vat_class', 'unit'] as const;
export type ProductImportColumn = (typeof product_import_columns)[number];

export const productImportResponseSchema = z.object({ created: int, updated: int, products: z.array(productSchema) });
/** A refused import's `details`: every bad row, counted from 1 in the order sent. */
export const productImportErrorsSchema = z.object({
  errors: z.array(z.object({ row: int, field: z.string(), message: z.string() })),
  error_count: int,
});

// ---------------------------------------------------------------------------------------------
// Staff: GET /v1/staff, POST /v1/staff, PATCH /v1/staff/:id, PUT /v1/staff/:id/pin
// ---------------------------------------------------------------------------------------------

export const staffMemberSchema = z.object({
  id: uuid,
  name: z.string(),
  role,
  email: z.string().nullable(),
  active: z.boolean(),
  has_pin: z.boolean(),
  has_password: z.boolean(),
  updated_at: iso,
});
export type OwnerStaffMember = z.infer<typeof staffMemberSchema>;
export const staffResponseSchema = z.object({ staff: z.array(staffMemberSchema) });

/**
 * What the Staff page sends as POST /v1/staff: owners and managers sign in to this view with an
 * email and password; cashiers (and managers at the till) with a PIN.
 */
export const staffCreateBodySchema = strictObject({
  name: nameInput,
  role,
  email: email.optional(),
  password: newPassword.optional(),
  pin: pin.optional(),
})
  .refine((body) => body.role === 'cashier' || body.email !== undefined, { message: 'owners and managers need an email to sign in', path: ['email'] })
  .refine((body) => body.role !== 'cashier' || body.password === undefined, { message: 'cashiers sign in with a PIN at the till, not a password', path: ['password'] })
  .refine((body) => body.role !== 'cashier' || body.pin !== undefined, { message: 'a cashier needs a PIN to sign in at the till', path: ['pin'] });
export type StaffCreateBody = z.output<typeof staffCreateBodySchema>;
export const staffPinBodySchema = strictObject({ pin });

// ---------------------------------------------------------------------------------------------
// Customers: GET /v1/customers, POST /v1/customers, PATCH /v1/customers/:id
// ---------------------------------------------------------------------------------------------

export const customerSchema = z.object({
  id: uuid,
  name: z.string(),
  phone: z.string().nullable(),
  credit_limit_cents: int,
  active: z.boolean(),
  updated_at: iso,
});
export type OwnerCustomer = z.infer<typeof customerSchema>;
export const customersResponseSchema = z.object({ customers: z.array(customerSchema) });

/** What the Customers page sends as POST /v1/customers and PATCH /v1/customers/:id. */
export const customerEditBodySchema = strictObject({
  name: nameInput,
  phone: phone.nullable(),
  credit_limit_cents: boundedInt(0, sale_total_cents_max, 'a whole number of cents'),
});
export type CustomerEditBody = z.output<typeof customerEditBodySchema>;

// ---------------------------------------------------------------------------------------------
// M-Pesa account: GET|PUT /v1/mpesa/account (owner). Secrets come back masked (`••••abcd`) and
// are only ever written: the page never puts them in a field.
// ---------------------------------------------------------------------------------------------

export const mpesa_secret_fields = ['consumer_key', 'consumer_secret', 'passkey', 'initiator_name', 'security_credential'] as const;
export type MpesaSecretField = (typeof mpesa_secret_fields)[number];

export const mpesaAccountMaskedSchema = z.object({
  base_url: z.string(),
  kind: z.enum(['till', 'paybill']),
  business_shortcode: z.string(),
  till_number: z.string().nullable(),
  callback_base_url: z.string(),
  trust_callbacks: z.boolean(),
  consumer_key: z.string(),
  consumer_secret: z.string(),
  passkey: z.string(),
  initiator_name: z.string().nullable(),
  security_credential: z.string().nullable(),
});
export type MpesaAccountMasked = z.infer<typeof mpesaAccountMaskedSchema>;

const webUrl = z.url({ protocol: /^https?$/, error: 'must be a web address like https://shop.example' }).max(300, { error: 'may be at most 300 characters' });
const shortcode = (what: string) => z.string({ error: `must be ${what}` }).regex(/^\d{5,8}$/, { error: `must be ${what} (5 to 8 digits)` });
const secretText = (max: number) => z.string({ error: 'is required' }).min(1, { error: 'is required' }).max(max, { error: `may be at most ${max} characters` });

/** PUT /v1/mpesa/account: the whole account, its three secrets typed again every time. */
export const mpesaAccountInputSchema = strictObject({
  base_url: webUrl,
  kind: z.enum(['till', 'paybill'], { error: 'must be till or paybill' }),
  business_shortcode: shortcode('a shortcode'),
  till_number: shortcode('a till number').optional(),
  callback_base_url: webUrl,
  trust_callbacks: z.boolean({ error: 'must be true or false' }).optional(),
  time_zone: z.string().min(1).max(64).optional(),
  consumer_key: secretText(200),
  consumer_secret: secretText(200),
  passkey: secretText(200),
  initiator_name: secretText(100).optional(),
  security_credential: secretText(2_000).optional(),
}).refine((value) => value.kind === 'paybill' || value.till_number !== undefined, { message: 'a till account needs its till number', path: ['till_number'] });
export type MpesaAccountInput = z.output<typeof mpesaAccountInputSchema>;

// ---------------------------------------------------------------------------------------------
// Audit: GET /v1/audit/entries, GET /v1/audit/verify, GET /v1/audit/checkpoints/latest
// ---------------------------------------------------------------------------------------------

export const auditEntrySchema = z.object({
  seq: z.coerce.number().int(),
  kind: z.string(),
  actor: z.string().nullable(),
  subject: z.string().nullable(),
  data: z.unknown(),
  occurred_at: z.coerce.string(),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditEntriesResponseSchema = z.object({ entries: z.array(auditEntrySchema) });

export const auditVerifyResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), business_id: uuid, head_seq: int, checkpoints_verified: int, last_checkpoint_seq: int.nullable() }),
  z.object({ ok: z.literal(false), business_id: uuid, head_seq: int, broken_seq: int, problem: z.string(), message: z.string(), checkpoint_seq: int.optional() }),
]);
export type AuditVerifyResponse = z.infer<typeof auditVerifyResponseSchema>;

export const auditCheckpointResponseSchema = z.object({
  checkpoint: z
    .object({ seq: z.coerce.number().int(), hash: z.string(), signature: z.string(), key_id: z.string(), created_at: iso })
    .nullable(),
  public_key: z.string(),
  key_id: z.string().optional(),
});
export type AuditCheckpointResponse = z.infer<typeof auditCheckpointResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Quarantine: GET /v1/quarantine, POST /v1/quarantine/replay (owner)
// ---------------------------------------------------------------------------------------------

export const quarantinedEventSchema = z.object({
  till_id: uuid,
  seq: int,
  event_id: z.string(),
  type: z.string(),
  reason_code: z.string(),
  reason: z.string(),
  field: z.string().nullable(),
  received_at: iso,
  replayed_at: iso.nullable(),
  envelope: z.unknown(),
});
export type QuarantinedEvent = z.infer<typeof quarantinedEventSchema>;
export const quarantineResponseSchema = z.object({ events: z.array(quarantinedEventSchema) });
export const quarantineReplayResponseSchema = z.object({ examined: int, applied: int, still_quarantined: int });
