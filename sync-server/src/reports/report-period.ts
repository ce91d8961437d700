/**
 * The period a report covers, from its query (`from`/`to`, business days) and today's business
 * day: both left out is today; `from` alone runs to today (or to itself when in the future); `to`
 * alone is that day. A cursor is opaque base64url text the list handed out.
 */
import { addDays, daysInPeriod, report_period_days_max } from '@payme/shared';
import type { StaffPrincipal } from '../auth/principal.js';
import { badRequest } from '../http/errors.js';
import { BusinessClock } from './business-day.js';

export interface Period {
  from: string;
  to: string;
  days: number;
}

const clocks = new Map<string, BusinessClock>();

/** One BusinessClock per calendar (its formatter and memo are worth keeping). */
export function businessClock(calendar: { time_zone: string; business_day_cutoff: string }): BusinessClock {
  const key = `${calendar.time_zone}|${calendar.business_day_cutoff}`;
  let clock = clocks.get(key);
  if (clock === undefined) {
    if (clocks.size >= 1_000) clocks.clear();
    clock = new BusinessClock(calendar);
    clocks.set(key, clock);
  }
  return clock;
}

export function todayOf(principal: StaffPrincipal, nowMs: number): string {
  return businessClock(principal.business).today(nowMs);
}

export function resolvePeriod(query: { from?: string | undefined; to?: string | undefined }, today: string): Period {
  const from = query.from ?? query.to ?? today;
  const to = query.to ?? (query.from === undefined ? today : query.from > today ? query.from : today);
  const days = daysInPeriod(from, to);
  if (days > report_period_days_max) {
    throw badRequest('invalid_input', `to: the period may be at most ${report_period_days_max} days (from ${from})`, 'to');
  }
  return { from, to, days };
}

/** The same period one week earlier. */
export function weekEarlier(period: Period): Period {
  return { from: addDays(period.from, -7), to: addDays(period.to, -7), days: period.days };
}

export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** Decodes a cursor into `count` strings, or refuses it naming `cursor`. */
export function decodeCursor(text: string | undefined, count: number): string[] | null {
  if (text === undefined) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === count && parts.every((part) => typeof part === 'string' || typeof part === 'number')) {
      return parts.map(String);
    }
  } catch {
    // refused below
  }
  throw badRequest('invalid_input', 'cursor: must be the next_cursor of the previous page', 'cursor');
}
