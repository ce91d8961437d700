/**
 * Business days (DESIGN §3): each business has a time zone and a day cutoff ("04:00": a sale at
 * 02:30 local time belongs to the day before). A moment's business day is the date of its local
 * wall-clock time minus the cutoff, and its hour is the local hour (not shifted by the cutoff).
 * The SQL side uses the same definition (`periodBounds`), so a day in a report and a day in a
 * list filter agree.
 */

export interface BusinessCalendar {
  time_zone: string;
  /** `HH:MM`. */
  business_day_cutoff: string;
}

export interface DayAndHour {
  business_day: string;
  hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Time zones are few; formatters are costly to build and cheap to keep. */
const formatters_max = 1_000;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    if (formatters.size >= formatters_max) formatters.clear();
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function cutoffMinutes(cutoff: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(cutoff);
  if (!match) throw new Error(`business_day_cutoff must be HH:MM, got ${cutoff}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The local wall-clock time of `ms` in `timeZone`, as a UTC timestamp of the same digits. */
function wallClockMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year as number, (parts.month as number) - 1, parts.day as number, parts.hour as number, parts.minute as number);
}

/** A per-calendar memo: a push of 200 sales made within an hour asks the formatter once per minute. */
export class BusinessClock {
  private readonly cutoffMs: number;
  private readonly memo = new Map<number, DayAndHour>();

  constructor(readonly calendar: BusinessCalendar) {
    this.cutoffMs = cutoffMinutes(calendar.business_day_cutoff) * 60_000;
  }

  /** The business day and local hour of an instant (ISO text or epoch ms). */
  at(instant: string | number): DayAndHour {
    const ms = typeof instant === 'number' ? instant : Date.parse(instant);
    const minute = Math.floor(ms / 60_000);
    const known = this.memo.get(minute);
    if (known !== undefined) return known;
    const wall = wallClockMs(minute * 60_000, this.calendar.time_zone);
    const result = { business_day: new Date(wall - this.cutoffMs).toISOString().slice(0, 10), hour: new Date(wall).getUTCHours() };
    if (this.memo.size >= 10_000) this.memo.clear();
    this.memo.set(minute, result);
    return result;
  }

  /** Today's business day at `nowMs`. */
  today(nowMs: number): string {
    return this.at(nowMs).business_day;
  }
}

/**
 * SQL for the instants of business days `$from` to `$to` (both `date`, both included), given the
 * business row as `b`: `sold_at >= <start> AND sold_at < <end>`. Local midnight plus the cutoff,
 * read in the business's time zone.
 */
export function periodStartSql(fromParam: string): string {
  return `((${fromParam}::date + b.business_day_cutoff::interval)::timestamp AT TIME ZONE b.time_zone)`;
}
export function periodEndSql(toParam: string): string {
  return `(((${toParam}::date + 1) + b.business_day_cutoff::interval)::timestamp AT TIME ZONE b.time_zone)`;
}

/**
 * SQL for the business day (a `date`) of a timestamptz expression, given the business row as `b`.
 * `cutoff` is the cutoff as an interval: a statement converting many rows can cast it once in a
 * materialized `b` and pass that column (the cast of the text column is otherwise made per row).
 */
export function businessDaySql(instant: string, cutoff = 'b.business_day_cutoff::interval'): string {
  return `(((${instant}) AT TIME ZONE b.time_zone) - ${cutoff})::date`;
}
