/**
 * What the cashier reads when a call fails: plain words, naming the field, never a code alone.
 * The ledger's messages are already written for people and start with the field; a few codes
 * get a sentence of their own that says what to do.
 */
import { PaymeError } from '@payme/shared';
import { isTillCallError } from './transport/transport.js';
import type { Messages } from './i18n/i18n.js';

export function errorWords(error: unknown, t: Messages): string {
  if (isTillCallError(error) || error instanceof PaymeError) {
    const own = t.error_codes[error.code as keyof Messages['error_codes']];
    if (own !== undefined) return error.message ? `${own} (${error.message})` : own;
    return error.message;
  }
  return t.error_unexpected;
}
