/**
 * Input building blocks for the server's own routes (owner API, auth, enrollment), with
 * plain-words messages. Text is checked for what PostgreSQL cannot store (NUL) and for broken
 * UTF-16 (lone surrogates cannot be hashed canonically), so such input is a 400 naming the
 * field instead of a database error.
 *
 * Where @payme/shared exports an equivalent schema the routes should switch to it; these exist
 * because the shared schema module was still being written when the server core was.
 */
import { z } from 'zod';
import { name_chars_max, uuid_pattern } from '@payme/shared';

const typeError = (wrongType: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : wrongType);

/** Text PostgreSQL and JCS can both carry: no NUL or other C0 controls, well-formed UTF-16. */
export function isStorableText(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f]/.test(text) && (text as string & { isWellFormed(): boolean }).isWellFormed();
}

export function boundedText(max: number, what: string) {
  return z
    .string({ error: typeError(`must be ${what}`) })
    .min(1, { error: 'may not be empty' })
    .max(max, { error: `may be at most ${max} characters` })
    .refine((text) => text.trim() === text, { error: 'may not start or end with spaces' })
    .refine(isStorableText, { error: 'may not contain control characters' });
}

export const nameField = boundedText(name_chars_max, 'a name');

export const uuidField = z
  .string({ error: typeError('must be an id (a lowercase UUID)') })
  .regex(uuid_pattern, { error: 'must be an id (a lowercase UUID)' });

/** An object refusing unknown keys (a typo must not silently drop data). */
export function strictBody<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown field: ${issue.keys.join(', ')}`;
      return issue.input === undefined ? 'is required' : 'must be an object';
    },
  });
}

/** `:id` route parameters. */
export const idParams = strictBody({ id: uuidField });
