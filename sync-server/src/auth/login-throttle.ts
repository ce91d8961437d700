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
 *   server instance on one database. Each attempt takes its count in one atomic statement
 *   (an upsert under the row's lock) before the hash runs, so 50 attempts racing on one account
 *   from 50 instances still get one count each, and those past the limit are refused before
 *   they hash.
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

export interface LoginThrottle {
  /** Takes a slot for one attempt on `email`, counted as a failure until settled; throws `LoginThrottled` while the account must wait. */
  begin(email: string): Promise<LoginAttempt>;
}

export function createLoginThrottle(db: Db, clock: Clock, policy: LoginThrottlePolicy): LoginThrottle {
  let attempts = 0;
  // The wait after n failures, n = 0 up to the first that reaches the cap (every later n waits as long).
  const delays: number[] = [];
  for (let n = 0; n < 64 && (delays.at(-1) !== policy.delay_max_ms || n <= policy.free_failures); n += 1) delays.push(loginDelayMs(n, policy));
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
      // One statement (PGlite runs every query on the event loop, one at a time: a burst of
      // sign-ins must not queue several round trips each ahead of callback acknowledgements).
      // It counts the attempt unless the account is waiting, and answers the new count.
      const counted = await db.query<{ failures: number }>(
        `INSERT INTO login_failures AS f (account_key, failures, last_failed_at, blocked_until)
           VALUES ($1, 1, $2, $2::timestamptz + ($3::bigint[])[2] * interval '1 millisecond')
         ON CONFLICT (account_key) DO UPDATE
           SET failures = CASE WHEN f.last_failed_at <= $4 THEN 1 ELSE f.failures + 1 END,
               last_failed_at = $2,
               blocked_until = $2::timestamptz
                 + ($3::bigint[])[LEAST(CASE WHEN f.last_failed_at <= $4 THEN 1 ELSE f.failures + 1 END, $5) + 1] * interval '1 millisecond'
           WHERE f.blocked_until <= $2
         RETURNING failures`,
        [key, isoAt(now), delays, isoAt(now - policy.forget_after_ms), delays.length - 1],
      );
      if (counted.length === 0) {
        const waiting = await db.query<{ blocked_until: Date }>('SELECT blocked_until FROM login_failures WHERE account_key = $1', [key]);
        throw new LoginThrottled(Math.max(1, new Date(waiting[0]?.blocked_until ?? now).getTime() - now));
      }
      attempts += 1;
      if (attempts % sweep_every_attempts === 0) await sweep(now);
      return {
        async succeeded() {
          await db.query('DELETE FROM login_failures WHERE account_key = $1', [key]);
        },
        async abandoned() {
          // One failure fewer, and the wait that count earns (the clock of the last failure stays).
          await db.query(
            `UPDATE login_failures SET failures = GREATEST(failures - 1, 0),
                    blocked_until = last_failed_at + ($2::bigint[])[LEAST(GREATEST(failures - 1, 0), $3) + 1] * interval '1 millisecond'
              WHERE account_key = $1`,
            [key, delays, delays.length - 1],
          );
        },
      };
    },
  };
}
