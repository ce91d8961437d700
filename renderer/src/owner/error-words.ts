/** What the owner reads when a call fails: the server's words (they name the field), or ours. */
import { isOwnerApiError } from './api/owner-http.js';
import type { Messages } from './i18n/i18n.js';

/** A refusal a page has already put into words for the owner. */
export class WordsError extends Error {
  override readonly name = 'WordsError';
}

export function errorWords(error: unknown, t: Messages): string {
  if (error instanceof WordsError) return error.message;
  if (isOwnerApiError(error)) {
    if (error.code === 'offline') return t.error_offline;
    if (error.code === 'internal' || error.code === 'unexpected_answer') return `${t.error_unexpected} (${error.message})`;
    return error.message;
  }
  return t.error_unexpected;
}
