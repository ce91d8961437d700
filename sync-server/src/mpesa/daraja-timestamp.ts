/**
 * Daraja's `Timestamp` (YYYYMMDDHHmmss in the business's time zone, DESIGN §3) and the STK
 * `Password` = base64(shortcode + passkey + timestamp). Daraja checks the password against the
 * timestamp sent beside it, so both must come from the same clock reading.
 */
import type { Clock } from '@payme/shared';

export const default_business_time_zone = 'Africa/Nairobi';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-GB with h23 gives two-digit fields and midnight as 00 (en-US would say 24).
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `YYYYMMDDHHmmss` of the instant `ms` as a wall clock in `timeZone` shows it. */
export function darajaTimestamp(ms: number, timeZone: string = default_business_time_zone): string {
  const parts = formatterFor(timeZone).formatToParts(ms);
  const field = (type: Intl.DateTimeFormatPartTypes): string => parts.find((part) => part.type === type)?.value ?? '';
  return `${field('year')}${field('month')}${field('day')}${field('hour')}${field('minute')}${field('second')}`;
}

export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`, 'utf8').toString('base64');
}

/** Timestamp and password for one request, from one clock reading. */
export function stkCredentials(clock: Clock, shortcode: string, passkey: string, timeZone?: string): { Timestamp: string; Password: string } {
  const timestamp = darajaTimestamp(clock.now(), timeZone);
  return { Timestamp: timestamp, Password: stkPassword(shortcode, passkey, timestamp) };
}
