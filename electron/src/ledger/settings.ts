/**
 * Business settings synced from the server (DESIGN §3): time zone, business-day cutoff and the
 * discount a cashier may give without a manager. Each has a default for a till that has not
 * pulled them yet.
 */
import { sql, type LedgerContext } from './context.js';

export const default_time_zone = 'Africa/Nairobi';

function readSetting(ctx: LedgerContext, key: string): unknown {
  const row = sql(ctx, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
}

export function timeZone(ctx: LedgerContext): string {
  const value = readSetting(ctx, 'time_zone');
  return typeof value === 'string' && isTimeZone(value) ? value : default_time_zone;
}

/**
 * Minutes after midnight when the business day turns over (a bar open past midnight uses
 * 04:00): the owner's `business_day_cutoff` setting as the server sends it ("HH:MM", shared's
 * setting_schemas), so the till's days are the owner view's. An unset or unreadable one is
 * midnight, the server's default too.
 */
export function businessDayCutoffMinutes(ctx: LedgerContext): number {
  const value = readSetting(ctx, 'business_day_cutoff');
  const match = typeof value === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value) : null;
  return match === null ? 0 : Number(match[1]) * 60 + Number(match[2]);
}

/** The largest line or sale discount a cashier may give alone, in basis points. */
export function cashierDiscountBpMax(ctx: LedgerContext): number {
  const value = readSetting(ctx, 'cashier_discount_bp_max');
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10_000 ? value : 0;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Zone names already tried: building a DateTimeFormat to test one costs ~90 µs, once per sale otherwise. */
const known_zones = new Map<string, boolean>();

function isTimeZone(zone: string): boolean {
  let valid = known_zones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-CA', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    known_zones.set(zone, valid);
  }
  return valid;
}

/** The business day (YYYY-MM-DD) an instant belongs to, in the business's time zone, with the day turning over `cutoffMinutes` after midnight. */
export function businessDay(ms: number, zone: string, cutoffMinutes: number): string {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(zone, formatter);
  }
  return formatter.format(ms - cutoffMinutes * 60_000);
}

export function businessDayOf(ctx: LedgerContext, ms: number): string {
  return businessDay(ms, timeZone(ctx), businessDayCutoffMinutes(ctx));
}

/** What receipts print from the business's synced settings (issue 17); unset ones are absent. */
export interface ReceiptSettings {
  kra_pin?: string;
  business_address?: string;
  receipt_header?: string;
  receipt_footer?: string;
  vat_registered?: boolean;
}

export function receiptSettings(ctx: LedgerContext): ReceiptSettings {
  const settings: ReceiptSettings = {};
  for (const key of ['kra_pin', 'business_address', 'receipt_header', 'receipt_footer'] as const) {
    const value = readSetting(ctx, key);
    if (typeof value === 'string' && value.trim() !== '') settings[key] = value.slice(0, key === 'kra_pin' ? 20 : 500);
  }
  const vat = readSetting(ctx, 'vat_registered');
  if (typeof vat === 'boolean') settings.vat_registered = vat;
  return settings;
}
