/**
 * Dates and times as both UIs show them: in the business's time zone (DESIGN §3), never the
 * browser's, since an owner may open the view from anywhere. Money goes through shared's
 * `formatKes` (`KSh 1,234.50`) and nothing else.
 */
import { locale_of, type Language } from './language.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: Language, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(locale_of[language], { timeZone, ...options });
    formatters.set(key, found);
  }
  return found;
}

const date_time: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false };
const date_only: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
const time_only: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false };

/** `26 Nov 2026, 09:30` in the business's zone. */
export function formatDateTime(instant: string | number, timeZone: string, language: Language): string {
  return formatter(language, timeZone, date_time).format(new Date(instant));
}

/** `09:30` in the business's zone. */
export function formatTime(instant: string | number, timeZone: string, language: Language): string {
  return formatter(language, timeZone, time_only).format(new Date(instant));
}

/** A business day (`2026-11-26`, already the business's date) as `26 Nov 2026`. */
export function formatBusinessDay(day: string, language: Language): string {
  // Noon UTC of that date names the same calendar day in every zone the formatter is given.
  return formatter(language, 'UTC', date_only).format(new Date(`${day}T12:00:00Z`));
}

/** The parts of an instant's wall-clock time in `timeZone`. */
function wallClock(instant: number, timeZone: string): { date: string; minutes: number } {
  const parts = formatter('en', timeZone, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(instant));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, minutes: Number(part('hour')) * 60 + Number(part('minute')) };
}

/** Adds `days` to a `YYYY-MM-DD` date. */
export function addDays(day: string, days: number): string {
  const at = new Date(`${day}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/**
 * The business day an instant belongs to (DESIGN §3): its local date, or the day before when
 * the local time is earlier than the cutoff (a shop open past midnight with cutoff 04:00 books
 * 02:30 to the evening before).
 */
export function businessDayOf(instant: number, timeZone: string, cutoff: string): string {
  const { date, minutes } = wallClock(instant, timeZone);
  const [hours, mins] = cutoff.split(':').map(Number);
  return minutes < (hours ?? 0) * 60 + (mins ?? 0) ? addDays(date, -1) : date;
}
