/**
 * The per-account sign-in limit (issue 12), beside the per-IP one: guessing one account's
 * password from many addresses is slowed down without locking its owner out for long.
 *
 * - Only failures count. A right password clears the account's count; a refusal for another
 *   reason (the server too busy to hash, a crash) gives back the attempt it took.
 * - The first `free_failures` failures cost nothing; after that the next attempt waits
 *   `first_delay_ms`, doubling with each further failure, and never more than `delay_max_ms`
 *   (15 minutes). While an account waits every attempt is refused at once, right password or
 *   not, without a hash: 429 `login_throttled` with Retry-After.
 * - The state lives in PostgreSQL (`login_failures`, migration 009), so it holds across every
 *   server instance on one database. Each attempt takes its slot in one row-locked transaction
 *   before the hash runs, so 50 attempts racing on one account from 50 instances still get one
 *   count each, and those past the limit are refused before they hash.
 * - An account is its email, lower-cased, known or not: an email nobody has is limited exactly
 *   like a real one, so the limit says nothing about who has an account. The row holds only the
 *   email's SHA-256, never the email.
 * - A count that saw no failure for `forget_after_ms` (a day) starts again from nothing; such
 *   rows are swept a few at a time as new failures are written.
 */
import { createHash } from 'node:crypto';
import { isoAt, type Clock } from '@payme/shared';
import type { Db } from '../db/db.js';
import { HttpError } from '../http/errors.js';

export interface LoginThrottlePolicy {
  free_failures: number;
  first_delay_ms: number;
  delay_max_ms: number;
  forget_after_ms: number;
}

export const default_login_throttle: LoginThrottlePolicy = {
  free_failures: 5,
  first_delay_ms: 30_000,
  delay_max_ms: 15 * 60_000,
  forget_after_ms: 24 * 60 * 60_000,
};

/** Stale rows removed per sweep; a sweep runs once every `sweep_every_attempts` attempts of this process. */
const sweep_rows_max = 100;
const sweep_every_attempts = 64;

/** How long an account must wait after its `failures`-th failure in a row: 0, then doubling, capped. */
export function loginDelayMs(failures: number, policy: LoginThrottlePolicy): number {
  if (failures < policy.free_failures) return 0;
  // 2 ** 40 already passes any cap; the bound keeps the arithmetic exact.
  const doublings = Math.min(failures - policy.free_failures, 40);
  return Math.min(policy.delay_max_ms, policy.first_delay_ms * 2 ** doublings);
}

/** The account key of an email: its SHA-256, lower-cased first (emails sign in case-blind). */
export function loginAccountKey(email: string): string {
  return createHash('sha256').update(email.toLowerCase(), 'utf8').digest('hex');
}

export class LoginThrottled extends HttpError {
  constructor(readonly retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const wait = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} minutes`;
    super(429, 'login_throttled', `Too many wrong passwords for this account; try again in ${wait}`, undefined, { retry_after_seconds: seconds });
  }
}

/** One attempt's slot: settle it with what the password check found. */
export interface LoginAttempt {
  /** The password was right: the account's count starts again from nothing. */
  succeeded(): Promise<void>;
  /** The attempt ended without checking the password (busy, crash): its count is given back. */
  abandoned(): Promise<void>;
}

interface FailureRow {
  failures: number;
  last_failed_at: Date;
  blocked_until: Date;
}

export interface LoginThrottle {
  /** Takes a slot for one attempt on `email`, counted as a failure until settled; throws `LoginThrottled` while the account must wait. */
  begin(email: string): Promise<LoginAttempt>;
}

export function createLoginThrottle(db: Db, clock: Clock, policy: LoginThrottlePolicy): LoginThrottle {
  let attempts = 0;
  const sweep = async (now: number) => {
    await db.query(
      `DELETE FROM login_failures WHERE account_key IN
         (SELECT account_key FROM login_failures WHERE last_failed_at < $1 ORDER BY last_failed_at LIMIT ${sweep_rows_max})`,
      [isoAt(now - policy.forget_after_ms)],
    );
  };
  return {
    async begin(email) {
      const key = loginAccountKey(email);
      const now = clock.now();
      const before = await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO login_failures (account_key, failures, last_failed_at, blocked_until) VALUES ($1, 0, $2, $2) ON CONFLICT (account_key) DO NOTHING`,
          [key, isoAt(now)],
        );
        const rows = await tx.query<FailureRow>('SELECT failures, last_failed_at, blocked_until FROM login_failures WHERE account_key = $1 FOR UPDATE', [key]);
        const row = rows[0] as FailureRow;
        const blockedUntil = new Date(row.blocked_until).getTime();
        if (blockedUntil > now) throw new LoginThrottled(blockedUntil - now);
        const forgotten = now - new Date(row.last_failed_at).getTime() >= policy.forget_after_ms;
        const failures = (forgotten ? 0 : row.failures) + 1;
        await tx.query('UPDATE login_failures SET failures = $2, last_failed_at = $3, blocked_until = $4 WHERE account_key = $1', [
          key,
          failures,
          isoAt(now),
          isoAt(now + loginDelayMs(failures, policy)),
        ]);
        return { ...row, counted: failures };
      });
      const counted = before.counted;
      attempts += 1;
      if (attempts % sweep_every_attempts === 0) await sweep(now);
      return {
        async succeeded() {
          await db.query('DELETE FROM login_failures WHERE account_key = $1', [key]);
        },
        async abandoned() {
          // Back to what it was, unless another attempt has counted since (then its count stands).
          await db.query(
            `UPDATE login_failures SET failures = $2, last_failed_at = $3, blocked_until = $4 WHERE account_key = $1 AND failures = $5 AND last_failed_at = $6`,
            [key, before.failures, isoAt(new Date(before.last_failed_at).getTime()), isoAt(new Date(before.blocked_until).getTime()), counted, isoAt(now)],
          );
        },
      };
    },
  };
}
