/**
 * The owner web view's operational pages (DESIGN §12): the session answer, business settings,
 * stock and anomalies, tills with their health, enrollment codes, shifts and Z-reports, alarms,
 * whether each till has a catalog change yet, CSV exports and the live feed's events.
 * Query schemas parse the query string (text); response schemas describe the server's answer.
 */
import { z } from 'zod';
import { name_chars_max, reason_chars_max, signed_amount_cents_max } from '../limits.js';
import { boundedInt, nameInput, reasonInput, role, strictObject, tender_kinds, uuid } from './common.js';
import { businessDay, pageCursor, pageLimit, periodQuery, queryBoolean, queryEnum, queryUuid } from './owner-query.js';
import { report_currency } from './owner-reports.js';

const int = z.number().int();
const iso = z.string().max(40);
const cents = int;

// ---------------------------------------------------------------------------------------------
// Session: GET /v1/auth/session
// ---------------------------------------------------------------------------------------------

/** What every page needs to format money and days, without reading settings (managers cannot). */
export const sessionBusinessSchema = z.object({
  id: uuid,
  name: z.string(),
  currency: z.literal(report_currency),
  time_zone: z.string(),
  business_day_cutoff: z.string(),
});

export const sessionResponseSchema = z.object({
  business_id: uuid,
  business: sessionBusinessSchema,
  staff: z.object({ id: uuid, name: z.string(), role }),
  csrf_token: z.string(),
  expires_at: iso,
  /** The feed's head as the session was read: the page's live stream starts after it. */
  feed_cursor: z.string().regex(/^\d{1,20}$/),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Settings: GET /v1/settings, PUT /v1/settings/:key {value} (owner only)
// ---------------------------------------------------------------------------------------------

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const settingText = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .min(1, { error: 'may not be empty' })
    .max(max, { error: `may be at most ${max} characters` })
    // eslint-disable-next-line no-control-regex -- control characters never belong in a setting
    .refine((text) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) && (text as string & { isWellFormed(): boolean }).isWellFormed(), {
      error: 'may not contain control characters',
    });

/** Alarm thresholds: a till silent this long, a cash variance at close this large. */
export const alarm_till_silent_minutes_max = 7 * 24 * 60;
export const alarm_cash_variance_cents_max = signed_amount_cents_max;

/**
 * One schema per setting key; a form validates with the same schema the server applies. Every
 * key here takes effect somewhere (issue 12). Removed, because nothing read them:
 * `mpesa_trust_callback_path` (the M-Pesa account's `trust_callbacks` is the switch, DESIGN §7)
 * and `duplicate_payment_window_seconds` (the till asks after two minutes, as DESIGN §8 fixes).
 * `removed_setting_keys` lists them so the server refuses them in words.
 */
export const setting_schemas = {
  business_name: nameInput,
  business_address: settingText(reason_chars_max),
  business_phone: settingText(name_chars_max),
  /** KRA PIN printed on receipts. */
  kra_pin: z.string({ error: 'must be a KRA PIN like P051234567X' }).regex(/^[AP]\d{9}[A-Z]$/, { error: 'must be a KRA PIN like P051234567X' }),
  /** Whether the business is registered for VAT (receipts then show the VAT split). */
  vat_registered: z.boolean({ error: 'must be true or false' }),
  time_zone: z
    .string({ error: 'must be a time zone like Africa/Nairobi' })
    .max(64, { error: 'must be a time zone like Africa/Nairobi' })
    .refine((zone) => /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) && isTimeZone(zone), { error: 'must be a time zone like Africa/Nairobi' }),
  business_day_cutoff: z.string({ error: 'must be a time like 04:00' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time like 04:00' }),
  receipt_header: settingText(reason_chars_max),
  receipt_footer: settingText(reason_chars_max),
  credit_sales_enabled: z.boolean({ error: 'must be true or false' }),
  /** Alarm when a till has not pushed or pulled for this many minutes. */
  alarm_till_silent_minutes: boundedInt(5, alarm_till_silent_minutes_max, 'a whole number of minutes'),
  /** Alarm when a shift closes with a cash variance (either way) above this. */
  alarm_cash_variance_cents: boundedInt(0, alarm_cash_variance_cents_max, 'a whole number of cents'),
} as const;

export type SettingKey = keyof typeof setting_schemas;
/** Keys an older release accepted and this one refuses (rows they left are not shown). */
export const removed_setting_keys: Readonly<Record<string, string>> = {
  mpesa_trust_callback_path: 'was removed: the M-Pesa account’s trust_callbacks (PUT /v1/mpesa/account) decides whether callbacks are trusted',
  duplicate_payment_window_seconds: 'was removed: the till asks before a second request for the same phone and amount within two minutes',
};
export const setting_keys = Object.keys(setting_schemas) as SettingKey[];

export const setting_defaults: { [K in SettingKey]: z.output<(typeof setting_schemas)[K]> | null } = {
  business_name: null,
  business_address: null,
  business_phone: null,
  kra_pin: null,
  vat_registered: true,
  time_zone: 'Africa/Nairobi',
  business_day_cutoff: '00:00',
  receipt_header: null,
  receipt_footer: 'Asante kwa kununua!',
  credit_sales_enabled: true,
  alarm_till_silent_minutes: 120,
  alarm_cash_variance_cents: 10_000,
};

export const settingsResponseSchema = z.object({ settings: z.record(z.string(), z.unknown()) });

// ---------------------------------------------------------------------------------------------
// Stock: GET /v1/stock, GET /v1/stock/:product_id/movements; reorder levels are set with
// PATCH /v1/products/:id {reorder_level}
// ---------------------------------------------------------------------------------------------

/** One row per product and store; `low`: only products at or below their reorder level. */
export const stockQuerySchema = strictObject({
  store_id: queryUuid.optional(),
  low: queryBoolean.optional(),
  q: z.string({ error: 'must be text' }).trim().max(name_chars_max, { error: `may be at most ${name_chars_max} characters` }).optional(),
  cursor: pageCursor.optional(),
  limit: pageLimit,
});
export type StockQuery = z.output<typeof stockQuerySchema>;

export const stockRowSchema = z.object({
  store_id: uuid,
  store_name: z.string(),
  product_id: uuid,
  name: z.string(),
  sku: z.string().nullable(),
  unit: z.string(),
  on_hand: int,
  /** At or below this, the product is low (null: no reorder level set). */
  reorder_level: int.nullable(),
  low: z.boolean(),
  active: z.boolean(),
  updated_at: iso.nullable(),
});
export const stockResponseSchema = z.object({ items: z.array(stockRowSchema), next_cursor: z.string().nullable() });
export type StockResponse = z.infer<typeof stockResponseSchema>;

export const productParamsSchema = strictObject({ product_id: queryUuid });
export const stockMovementsQuerySchema = periodQuery({ store_id: queryUuid.optional(), cursor: pageCursor.optional(), limit: pageLimit });

export const stock_movement_kinds = ['sale', 'void', 'refund', 'receive', 'adjust', 'count'] as const;
export const stockMovementsResponseSchema = z.object({
  product_id: uuid,
  /** Newest first. */
  movements: z.array(
    z.object({
      event_id: uuid,
      line_no: int,
      store_id: uuid,
      till_id: uuid,
      kind: z.enum(stock_movement_kinds),
      delta: int,
      ref_id: uuid,
      occurred_at: iso,
      business_day: businessDay,
    }),
  ),
  next_cursor: z.string().nullable(),
});

// Anomalies: GET /v1/anomalies, POST /v1/anomalies/:event_id/:anomaly_no/acknowledge (owner or manager)

export const anomaly_statuses = ['open', 'acknowledged', 'all'] as const;
export const anomaliesQuerySchema = strictObject({
  status: queryEnum(anomaly_statuses).optional(),
  kind: z.string({ error: 'must be an anomaly kind' }).regex(/^[a-z_]{1,40}$/, { error: 'must be an anomaly kind like oversold' }).optional(),
  cursor: pageCursor.optional(),
  limit: pageLimit,
});
export const anomalyParamsSchema = strictObject({
  event_id: queryUuid,
  anomaly_no: z.string({ error: 'must be a whole number' }).regex(/^\d{1,6}$/, { error: 'must be a whole number' }).transform(Number),
});
export const anomalyAcknowledgeBodySchema = strictObject({ note: reasonInput.optional() });

export const anomalySchema = z.object({
  event_id: uuid,
  anomaly_no: int,
  kind: z.string(),
  till_id: uuid,
  subject: z.string(),
  details: z.record(z.string(), z.unknown()),
  detected_at: iso,
  acknowledged_at: iso.nullable(),
  acknowledged_by: uuid.nullable(),
  note: z.string().nullable(),
});
export const anomaliesResponseSchema = z.object({ anomalies: z.array(anomalySchema), next_cursor: z.string().nullable() });

// ---------------------------------------------------------------------------------------------
// Tills: GET /v1/tills, POST /v1/tills/:id/retire (owner); enrollment codes
// ---------------------------------------------------------------------------------------------

/** Versions as the till reports them (`1.4.2`, `1.5.0-beta.1`). */
export const appVersion = z
  .string({ error: 'must be a version like 1.4.2' })
  .max(40, { error: 'may be at most 40 characters' })
  .regex(/^\d{1,4}\.\d{1,4}\.\d{1,6}([-+][0-9A-Za-z.-]{1,30})?$/, { error: 'must be a version like 1.4.2' });
/** Events waiting in a till's outbox, as it reports them. */
export const outbox_depth_max = 100_000_000;
export const outboxDepth = boundedInt(0, outbox_depth_max, 'a whole number of events');

export const till_alarm_kinds = ['till_silent', 'till_unsynced'] as const;
export const tillRowSchema = z.object({
  id: uuid,
  store_id: uuid,
  name: z.string(),
  receipt_prefix: z.string(),
  epoch: int,
  acked_seq: int,
  fenced: z.boolean(),
  retired_at: iso.nullable(),
  created_at: iso,
  last_push_at: iso.nullable(),
  last_pull_at: iso.nullable(),
  /** Events the till said were waiting to sync (after that push or pull), and when it said so. */
  outbox_depth: int.nullable(),
  outbox_reported_at: iso.nullable(),
  app_version: z.string().nullable(),
  /** The feed cursor of the till's last pull: it has every change up to this change_seq. */
  feed_seq: int.nullable(),
  alarms: z.array(z.enum(till_alarm_kinds)),
});
export const tillsResponseSchema = z.object({ tills: z.array(tillRowSchema) });
export type TillRow = z.infer<typeof tillRowSchema>;

export const tillParamsSchema = strictObject({ id: queryUuid });
export const tillRetireBodySchema = strictObject({ reason: reasonInput });

export const enrollmentCodeCreateBodySchema = strictObject({
  store_id: uuid,
  ttl_minutes: boundedInt(1, 24 * 60, 'a whole number of minutes').optional(),
});
export const enrollment_code_statuses = ['open', 'used', 'expired', 'revoked'] as const;
export const enrollmentCodeSchema = z.object({
  code_id: uuid,
  store_id: uuid,
  created_at: iso,
  expires_at: iso,
  used_at: iso.nullable(),
  used_by_till_id: uuid.nullable(),
  revoked_at: iso.nullable(),
  status: z.enum(enrollment_code_statuses),
});
/** The code itself is shown once, when it is created; the server keeps only its hash. */
export const enrollmentCodeCreatedSchema = z.object({ code_id: uuid, code: z.string(), store_id: uuid, expires_at: iso });
export const enrollmentCodesResponseSchema = z.object({ codes: z.array(enrollmentCodeSchema) });
export const enrollmentCodeParamsSchema = strictObject({ code_id: queryUuid });

// ---------------------------------------------------------------------------------------------
// Shifts and Z-reports: GET /v1/shifts, GET /v1/shifts/:shift_id
// ---------------------------------------------------------------------------------------------

export const shift_statuses = ['open', 'closed'] as const;
export const shiftsQuerySchema = periodQuery({
  till_id: queryUuid.optional(),
  store_id: queryUuid.optional(),
  status: queryEnum(shift_statuses).optional(),
  cursor: pageCursor.optional(),
  limit: pageLimit,
});
export const shiftParamsSchema = strictObject({ shift_id: queryUuid });

const tenderAmounts = z.array(z.object({ tender: z.enum(tender_kinds), amount_cents: cents }));

export const shiftRowSchema = z.object({
  shift_id: uuid,
  store_id: uuid,
  till_id: uuid,
  till_name: z.string().nullable(),
  status: z.enum(shift_statuses),
  opened_by: uuid,
  opened_by_name: z.string().nullable(),
  opened_at: iso,
  business_day: businessDay,
  closed_by: uuid.nullable(),
  closed_at: iso.nullable(),
  float_cents: cents,
  paid_in_cents: cents,
  paid_out_cents: cents,
  /** Σ variance over tenders (negative: short); null while open. */
  variance_cents: cents.nullable(),
  sales_count: int.nullable(),
});
export const shiftsResponseSchema = z.object({ shifts: z.array(shiftRowSchema), next_cursor: z.string().nullable() });

/** The Z-report as the till closed it: expected vs counted per tender, the variance, counts. */
export const shiftDetailResponseSchema = z.object({
  shift: shiftRowSchema,
  z_report: z
    .object({
      counted: tenderAmounts,
      expected: tenderAmounts,
      variance: tenderAmounts,
      sales_count: int,
      refunds_total_cents: cents,
      voids_count: int,
    })
    .nullable(),
  cash_movements: z.array(
    z.object({ entry_id: uuid, direction: z.enum(['in', 'out']), amount_cents: cents, reason: z.string(), actor_id: uuid, occurred_at: iso }),
  ),
  /** Sales of the shift by tender, from the server's own records (less voids and refunds). */
  by_tender: z.array(z.object({ tender: z.enum(tender_kinds), amount_cents: cents, refund_cents: cents, net_cents: cents })),
});

// ---------------------------------------------------------------------------------------------
// Alarms: GET /v1/alarms
// ---------------------------------------------------------------------------------------------

export const alarm_kinds = [
  'till_silent',
  'stock_below_zero',
  'quarantined_events',
  'audit_verification_failed',
  'cash_variance',
  'mpesa_unmatched',
] as const;
export const alarm_severities = ['critical', 'warning'] as const;
export const alarmSchema = z.object({
  kind: z.enum(alarm_kinds),
  severity: z.enum(alarm_severities),
  /** What it is about: a till, product, shift or queue item id; null for the business as a whole. */
  subject_id: z.string().nullable(),
  /** Plain words for the owner, in English (the page may use `kind` and `details` to word it). */
  message: z.string(),
  since: iso.nullable(),
  count: int,
  details: z.record(z.string(), z.unknown()),
});
export type Alarm = z.infer<typeof alarmSchema>;
export const alarmsResponseSchema = z.object({ as_of: iso, alarms: z.array(alarmSchema) });

// ---------------------------------------------------------------------------------------------
// Catalog: GET /v1/products/:id/tills — has each till got the product's latest change yet?
// ---------------------------------------------------------------------------------------------

export const productTillsResponseSchema = z.object({
  product_id: uuid,
  /** The feed change_seq of the product's latest catalog or price change (null: none yet). */
  change_seq: int.nullable(),
  changed_at: iso.nullable(),
  tills: z.array(
    z.object({
      till_id: uuid,
      name: z.string(),
      store_id: uuid,
      /** The till's feed cursor at its last pull (null: it never pulled). */
      feed_seq: int.nullable(),
      last_pull_at: iso.nullable(),
      has_change: z.boolean(),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// CSV exports: GET /v1/exports/<name>.csv
// ---------------------------------------------------------------------------------------------

/** The header row of each export, in order; money columns are integer cents. */
export const export_columns = {
  sales: ['sale_id', 'receipt_no', 'status', 'business_day', 'sold_at', 'store_id', 'till_id', 'cashier_id', 'customer_id', 'subtotal_cents', 'discount_cents', 'vat_cents', 'rounding_cents', 'total_cents', 'cash_cents', 'mpesa_cents', 'credit_cents', 'refunded_cents'],
  'sale-lines': ['sale_id', 'receipt_no', 'status', 'business_day', 'line_no', 'product_id', 'name', 'unit', 'quantity', 'unit_price_cents', 'discount_cents', 'gross_cents', 'vat_class', 'vat_cents', 'net_cents'],
  stock: ['store_id', 'store_name', 'product_id', 'name', 'sku', 'unit', 'on_hand', 'reorder_level', 'low'],
  'credit-book': ['customer_id', 'name', 'phone', 'credit_limit_cents', 'balance_cents', 'over_limit', 'oldest_unpaid_day', 'days_0_30_cents', 'days_31_60_cents', 'days_61_90_cents', 'days_91_plus_cents'],
} as const;
export type ExportName = keyof typeof export_columns;
export const export_names = Object.keys(export_columns) as ExportName[];
/** `from`/`to` for sales and sale-lines (default: today); stock takes `store_id`. */
export const exportQuerySchema = periodQuery({ store_id: queryUuid.optional() });

// ---------------------------------------------------------------------------------------------
// Live: GET /v1/feed/stream (SSE) — kinds and ids only; the page refetches what it shows
// ---------------------------------------------------------------------------------------------

/**
 * `event: change` data. `till_state` means a till pushed (sales, stock and credit may have
 * changed); `payment` an M-Pesa payment changed. A manager's stream leaves out staff and settings.
 */
export const ownerFeedEventSchema = z.object({ cursor: z.string(), kind: z.string(), id: z.string() });
export type OwnerFeedEvent = z.infer<typeof ownerFeedEventSchema>;
