/**
 * Sign-in for the owner web view (DESIGN §6, §12): the bodies the sync server parses and the
 * view's forms validate with, and the login answer. One definition, so a form refuses exactly
 * what the server would, in the same words, naming the same field. The session answer and the
 * reports' schemas are in owner-operations.ts and owner-reports.ts.
 */
import { z } from 'zod';
import { email_chars_max, password_chars_max, password_chars_min } from '../limits.js';
import { isoTimestamp, name, strictObject, uuid } from './common.js';

const typeError = (wrongType: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : wrongType);

export const email = z
  .string({ error: typeError('must be an email address') })
  .max(email_chars_max, { error: `may be at most ${email_chars_max} characters` })
  .pipe(z.email({ error: 'must be an email address' }));

/** A password being set: long enough to resist guessing. */
export const newPassword = z
  .string({ error: typeError('must be text') })
  .min(password_chars_min, { error: `must be at least ${password_chars_min} characters` })
  .max(password_chars_max, { error: `may be at most ${password_chars_max} characters` });

/** A password being checked: any non-empty text (older passwords may be shorter than today's rule). */
export const givenPassword = z
  .string({ error: typeError('must be text') })
  .min(1, { error: 'may not be empty' })
  .max(password_chars_max, { error: `may be at most ${password_chars_max} characters` });

export const loginBody = strictObject({ email, password: givenPassword, business_id: uuid.optional() });
export type LoginBody = z.infer<typeof loginBody>;

/** `POST /v1/auth/password`: the signed-in owner or manager changes their own password. */
export const changePasswordBody = strictObject({ current_password: givenPassword, new_password: newPassword });
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;

export const web_roles = ['owner', 'manager'] as const;
/** Who may use the web view (DESIGN §12): cashiers never. */
export const webRole = z.enum(web_roles, { error: 'must be owner or manager' });
export type WebRole = z.infer<typeof webRole>;

/** `POST /v1/auth/login`: the session (cookie) and, for scripts, the bearer token. */
export const loginAnswer = z.looseObject({
  token: z.string().min(1),
  csrf_token: z.string().min(1),
  expires_at: isoTimestamp,
  business_id: uuid,
  staff: z.looseObject({ id: uuid, name, role: webRole }),
});
export type LoginAnswer = z.infer<typeof loginAnswer>;
