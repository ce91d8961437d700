/**
 * `payme-server reset-password --email E` (issue 13): an owner (or manager) who cannot sign in
 * gets a new password from the server's shell, where only IT reaches. It signs out that person's
 * sessions and leaves an audit entry naming the shell as the actor; the password itself is
 * printed once and never stored in clear.
 */
import { hashSecret, isoAt, randomToken, type Clock, type Random, type SecretHashCost } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { AuditService } from '../audit/audit-log.js';
import { PaymeError } from '@payme/shared';

export interface PasswordReset {
  business_id: string;
  staff_id: string;
  email: string;
  password: string;
}

/** Generated passwords: 16 characters of a 64-letter alphabet (96 bits), past the 10-character minimum. */
export const reset_password_chars = 16;

export async function resetPassword(
  deps: { db: Db; clock: Clock; random: Random; audit: AuditService; password_hash_cost: SecretHashCost },
  email: string,
  businessId: string | undefined,
  password: string = randomToken(deps.random, reset_password_chars),
): Promise<PasswordReset> {
  const normalized = email.trim().toLowerCase();
  const rows = await deps.db.query<{ id: string; business_id: string }>(
    `SELECT id::text AS id, business_id::text AS business_id FROM staff
      WHERE email = $1 AND active AND role IN ('owner', 'manager') AND ($2::uuid IS NULL OR business_id = $2::uuid)`,
    [normalized, businessId ?? null],
  );
  if (rows.length === 0) throw new PaymeError('not_found', `email: no active owner or manager signs in as ${normalized}`, 'email');
  if (rows.length > 1) throw new PaymeError('business_required', 'email: this email belongs to several businesses; name one with --business', 'business');
  const staff = rows[0] as { id: string; business_id: string };
  const hash = hashSecret(password, deps.random, deps.password_hash_cost);
  await deps.db.transaction(async (tx) => {
    const now = isoAt(deps.clock.now());
    await tx.query('UPDATE staff SET password_hash = $3, updated_at = $4 WHERE business_id = $1 AND id = $2', [staff.business_id, staff.id, hash, now]);
    await tx.query('DELETE FROM sessions WHERE business_id = $1 AND staff_id = $2', [staff.business_id, staff.id]);
    await deps.audit.append(tx, staff.business_id, { kind: 'staff.password_reset', actor: 'server-shell', subject: staff.id, data: { via: 'payme-server reset-password' }, occurred_at: now });
  });
  return { business_id: staff.business_id, staff_id: staff.id, email: normalized, password };
}
