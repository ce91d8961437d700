/**
 * Query-string building blocks for the owner web view's reads (DESIGN §12). Query strings carry
 * text, so every value here arrives as a string and is checked and converted with a message in
 * plain words; the server answers a bad value with a 400 naming the field (`from`, `till_id`).
 */
import { z } from 'zod';
import { uuid_pattern } from '../ids.js';
import { strictObject, withRules } from './common.js';

/** The longest period one report covers. */
export const report_period_days_max = 400;
/** The longest period a by-hour series covers; longer periods are by day. */
export const report_hourly_days_max = 7;
/** Rows in one page of a list (sales, stock, credit book, shifts, movements). */
export const report_page_rows_max = 200;
export const report_page_rows_default = 50;
/** Opaque cursors handed back by a list: base64url text. */
export const report_cursor_chars_max = 200;

const typeError = (wrongType: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : wrongType);

/** Whether `YYYY-MM-DD` is a day on the calendar (not 2026-02-30). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text && text >= '2000-01-01' && text <= '9999-12-31';
}

/** A business day, `YYYY-MM-DD`, in the business's time zone and day cutoff (DESIGN §3). */
export const businessDay = z
  .string({ error: typeError('must be a day like 2026-11-26') })
  .refine(isCalendarDay, { error: 'must be a day like 2026-11-26 (that exists, from the year 2000 on)' });

/** Whole days from `from` to `to` (both `YYYY-MM-DD`), counting both ends. */
export function daysInPeriod(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** `YYYY-MM-DD` shifted by `days` (negative: earlier). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export const queryUuid = z.string({ error: typeError('must be an id (a lowercase UUID)') }).regex(uuid_pattern, { error: 'must be an id (a lowercase UUID)' });

/** `?limit=` as text: 1 to report_page_rows_max, default report_page_rows_default. */
export const pageLimit = z
  .string({ error: 'must be a whole number' })
  .regex(/^\d{1,4}$/, { error: 'must be a whole number' })
  .transform(Number)
  .pipe(
    z
      .number()
      .min(1, { error: 'must be at least 1' })
      .max(report_page_rows_max, { error: `may be at most ${report_page_rows_max}` }),
  )
  .optional()
  .transform((value) => value ?? report_page_rows_default);

/** `?cursor=` as handed back in `next_cursor` by the previous page. */
export const pageCursor = z
  .string({ error: 'must be the next_cursor of the previous page' })
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'must be the next_cursor of the previous page' })
  .max(report_cursor_chars_max, { error: 'must be the next_cursor of the previous page' });

/** `?flag=true|false`. */
export const queryBoolean = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

/** An enum given in a query string, with the allowed values in its message. */
export function queryEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

/**
 * A period of business days: `from` and `to` (both included); either may be left out (the
 * server fills in today, or a period ending today). `to` may not be before `from`, and the
 * period is at most report_period_days_max days.
 */
export const periodShape = { from: businessDay.optional(), to: businessDay.optional() };

export function checkPeriod(value: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.from === undefined || value.to === undefined) return;
  if (value.to < value.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'may not be before from' });
  } else if (daysInPeriod(value.from, value.to) > report_period_days_max) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the period may be at most ${report_period_days_max} days` });
  }
}

/** A strict query object with a period, refusing unknown parameters. */
export function periodQuery<S extends z.core.$ZodLooseShape>(shape: S) {
  return withRules(strictObject({ ...periodShape, ...shape }), (value, ctx) => checkPeriod(value as { from?: string; to?: string }, ctx));
}
