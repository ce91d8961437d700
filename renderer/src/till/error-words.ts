/**
 * What the cashier reads when a call fails: plain words, never a code alone, never a field path,
 * never the same thing twice (issue 17: "Wrong PIN. (Wrong PIN)", "Open a shift first (F9).
 * (Open a shift (count the float) before taking money)", "lines.0.quantity: only 2 left…").
 * The words for every code come from one place, the catalogue (i18n/error-words.*.ts). Only where
 * the till's own message says something the words cannot know (which line, how many are left,
 * what shape an amount must have) is that reason added, with the field named in words.
 */
import { PaymeError, type ErrorCode } from '@payme/shared';
import { isTillCallError } from './transport/transport.js';
import type { Messages } from './i18n/i18n.js';

/** The codes whose message carries a specific reason worth reading after the words. */
const specific_codes: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['not_found', 'invalid_input', 'invalid_amount', 'invalid_quantity', 'invalid_discount', 'sale_not_refundable', 'stock_insufficient', 'credit_limit_exceeded']);

/** `lines.0.quantity` → "Line 1, quantity"; an unknown name is said with spaces, not underscores. */
export function fieldInWords(field: string, t: Messages): string {
  const parts: string[] = [];
  const segments = field.split('.');
  segments.forEach((segment, index) => {
    if (/^\d+$/.test(segment)) return;
    const next = segments[index + 1];
    const named = t.field_names[segment] ?? segment.replaceAll('_', ' ');
    parts.push(next !== undefined && /^\d+$/.test(next) ? `${named} ${Number(next) + 1}` : named);
  });
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const comparable = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** The message without a leading field path (`tenders.0.amount: …`, `discount must …`). */
function reasonOf(message: string, field: string | undefined): string {
  let reason = message.trim();
  if (field !== undefined && reason.startsWith(field)) reason = reason.slice(field.length);
  reason = reason.replace(/^[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)+/, '').replace(/^[\s:]+/, '');
  return reason;
}

export function errorWords(error: unknown, t: Messages): string {
  if (!(isTillCallError(error) || error instanceof PaymeError)) return t.error_unexpected;
  const own = t.error_codes[error.code];
  if (!specific_codes.has(error.code) || !error.message) return own;
  const reason = reasonOf(error.message, error.field);
  if (reason === '' || comparable(own).includes(comparable(reason))) return own;
  const sentence = `${reason.charAt(0).toUpperCase()}${reason.slice(1)}${/[.!?]$/.test(reason) ? '' : '.'}`;
  return error.field ? `${own} ${fieldInWords(error.field, t)}: ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}` : `${own} ${sentence}`;
}
