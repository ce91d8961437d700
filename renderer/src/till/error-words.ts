/**
 * What the cashier reads when a call fails: plain words, never a code alone. Every code of the
 * shared table has a sentence in each language that says what to do (i18n/error-words.*.ts);
 * the till's own message, which names the field, follows it in brackets.
 */
import { PaymeError } from '@payme/shared';
import { isTillCallError } from './transport/transport.js';
import type { Messages } from './i18n/i18n.js';

export function errorWords(error: unknown, t: Messages): string {
  if (isTillCallError(error) || error instanceof PaymeError) {
    const own = t.error_codes[error.code];
    return error.message ? `${own} (${error.message})` : own;
  }
  return t.error_unexpected;
}
