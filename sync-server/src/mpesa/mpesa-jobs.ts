/**
 * The job queue behind the Daraja calls that happen later (DESIGN §7): a small queue on
 * PostgreSQL's `FOR UPDATE SKIP LOCKED` in `mpesa_jobs`, written for PGlite too. (pg-boss and
 * graphile-worker need a real PostgreSQL with its own connection pool and LISTEN, which PGlite
 * embedded in-process does not give; the queue here is a hundred lines.)
 *
 * A job is claimed by setting a lease (`locked_until`) in a short transaction, so no transaction
 * stays open across the network call; a server that dies mid-job loses only its lease and
 * another picks the job up after it expires. One open job per (business, kind, subject).
 */
import { isoAt, uuidv7, type Clock, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';

export const mpesa_job_kinds = ['stk_confirm', 'stk_deadline', 'receipt_lookup', 'reversal'] as const;
export type MpesaJobKind = (typeof mpesa_job_kinds)[number];

/** A claimed job's lease: long enough for Daraja's timeout and retries. */
export const job_lease_ms = 60_000;
/** Backoff between attempts of one job: 5 s doubling to 5 min. */
export const job_backoff_base_ms = 5_000;
export const job_backoff_cap_ms = 5 * 60_000;
/** After this many attempts a job stops and waits for the owner (its last error is kept). */
export const job_attempts_max = 60;

export interface MpesaJob {
  business_id: string;
  job_id: string;
  kind: MpesaJobKind;
  subject: string;
  data: Record<string, unknown>;
  attempts: number;
}

/** Enqueues a job unless one of that kind is already open for the subject. Returns whether it did. */
export async function enqueueJob(
  tx: Db,
  env: { clock: Clock; random: Random },
  businessId: string,
  job: { kind: MpesaJobKind; subject: string; data?: Record<string, unknown>; run_at_ms?: number },
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO mpesa_jobs (business_id, job_id, kind, subject, data, run_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (business_id, kind, subject) WHERE done_at IS NULL DO NOTHING RETURNING job_id`,
    [businessId, uuidv7(env.clock, env.random), job.kind, job.subject, JSON.stringify(job.data ?? {}), isoAt(job.run_at_ms ?? env.clock.now())],
  );
  return rows.length > 0;
}

/** Claims the next due job (oldest first), leasing it; undefined when none is due. */
export async function claimDueJob(db: Db, clock: Clock): Promise<MpesaJob | undefined> {
  const now = clock.now();
  return db.transaction(async (tx) => {
    const rows = await tx.query<MpesaJob>(
      `SELECT business_id::text AS business_id, job_id::text AS job_id, kind, subject, data, attempts FROM mpesa_jobs
        WHERE done_at IS NULL AND run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) AND attempts < $2
        ORDER BY run_at, job_id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [isoAt(now), job_attempts_max],
    );
    const job = rows[0];
    if (!job) return undefined;
    await tx.query('UPDATE mpesa_jobs SET locked_until = $3, attempts = attempts + 1 WHERE business_id = $1 AND job_id = $2', [
      job.business_id,
      job.job_id,
      isoAt(now + job_lease_ms),
    ]);
    return { ...job, attempts: job.attempts + 1 };
  });
}

export async function completeJob(tx: Db, clock: Clock, job: MpesaJob): Promise<void> {
  await tx.query('UPDATE mpesa_jobs SET done_at = $3, locked_until = NULL WHERE business_id = $1 AND job_id = $2', [job.business_id, job.job_id, isoAt(clock.now())]);
}

/** The delay before attempt `attempts + 1`: capped doubling with jitter. */
export function jobBackoffMs(attempts: number, random: Random): number {
  const ceiling = Math.min(job_backoff_cap_ms, job_backoff_base_ms * 2 ** Math.max(0, attempts - 1));
  return Math.floor(ceiling / 2) + random.int(0, Math.ceil(ceiling / 2));
}

/** Puts the job back for a later attempt, keeping why it has to wait. */
export async function retryJobLater(db: Db, env: { clock: Clock; random: Random }, job: MpesaJob, why: string, data?: Record<string, unknown>): Promise<void> {
  const runAt = env.clock.now() + jobBackoffMs(job.attempts, env.random);
  await db.query(
    'UPDATE mpesa_jobs SET run_at = $3, locked_until = NULL, last_error = $4, data = COALESCE($5, data) WHERE business_id = $1 AND job_id = $2',
    [job.business_id, job.job_id, isoAt(runAt), why.slice(0, 500), data === undefined ? null : JSON.stringify(data)],
  );
}
