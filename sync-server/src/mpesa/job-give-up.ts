/**
 * A job that used its last attempt (`job_attempts_max`) is not retried again by itself: it is
 * closed, and the owner is alerted in the M-Pesa queue (`job_gave_up`, with the job's last error),
 * in the audit log, and in the server log at warn. A reversal that gave up is marked failed, so
 * nobody believes the customer was refunded. Swept rather than decided in the job runner, so a
 * server that died during a job's last attempt (its lease expired) is caught too.
 */
import { isoAt, type Clock, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import { appendAudit } from '../audit/audit-log.js';
import { job_attempts_max, type MpesaJobKind } from './mpesa-jobs.js';
import { queueForOwner } from './unmatched-queue.js';

export type WarnLog = (fields: Record<string, unknown>, message: string) => void;

interface GivenUp {
  business_id: string;
  job_id: string;
  kind: MpesaJobKind;
  subject: string;
  attempts: number;
  last_error: string | null;
}

const sweep_batch_max = 100;

/** Phone numbers and other long digit runs never reach a log in clear (DESIGN §6). */
export function redactForLog(text: string): string {
  return text.replace(/\d{9,}/g, (digits) => `${'•'.repeat(4)}${digits.slice(-3)}`);
}

/** Closes and reports every job that has used its last attempt; returns how many. */
export async function sweepGivenUpJobs(env: { db: Db; clock: Clock; random: Random }, warn?: WarnLog): Promise<number> {
  const now = env.clock.now();
  const at = isoAt(now);
  const givenUp = await env.db.transaction(async (tx) => {
    const jobs = await tx.query<GivenUp>(
      `SELECT business_id::text AS business_id, job_id::text AS job_id, kind, subject, attempts, last_error FROM mpesa_jobs
        WHERE done_at IS NULL AND gave_up_at IS NULL AND attempts >= $1 AND (locked_until IS NULL OR locked_until <= $2)
        ORDER BY run_at, job_id LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [job_attempts_max, at, sweep_batch_max],
    );
    for (const job of jobs) {
      // Closing it frees the (kind, subject) slot: new evidence (a late callback) may queue a fresh job.
      await tx.query('UPDATE mpesa_jobs SET gave_up_at = $3, done_at = $3, locked_until = NULL WHERE business_id = $1 AND job_id = $2', [job.business_id, job.job_id, at]);
      const amount = await amountOf(tx, job);
      if (job.kind === 'reversal') {
        await tx.query(
          `UPDATE mpesa_reversals SET status = 'failed', result_desc = $3, updated_at = $4 WHERE business_id = $1 AND reversal_id = $2 AND status = 'requested'`,
          [job.business_id, job.subject, `not sent: gave up after ${job.attempts} attempts`, at],
        );
      }
      const details = { job_id: job.job_id, job_kind: job.kind, subject: job.subject, attempts: job.attempts, last_error: job.last_error };
      await queueForOwner(tx, env, job.business_id, 'job_gave_up', job.job_id, amount, details);
      await appendAudit(tx, job.business_id, { kind: 'mpesa_job_gave_up', actor: null, subject: job.subject, data: details, occurred_at: at });
    }
    return jobs;
  });
  for (const job of givenUp) {
    warn?.(
      { business_id: job.business_id, job_id: job.job_id, job_kind: job.kind, subject: job.subject, attempts: job.attempts, last_error: redactForLog(job.last_error ?? '') },
      'M-Pesa job gave up after its last attempt; the owner is alerted',
    );
  }
  return givenUp.length;
}

async function amountOf(tx: Db, job: GivenUp): Promise<number | null> {
  const rows =
    job.kind === 'reversal'
      ? await tx.query<{ amount_cents: number }>('SELECT amount_cents FROM mpesa_reversals WHERE business_id = $1 AND reversal_id = $2', [job.business_id, job.subject])
      : await tx.query<{ amount_cents: number }>('SELECT amount_cents FROM payments WHERE business_id = $1 AND payment_id = $2', [job.business_id, job.subject]);
  return rows[0] ? Number(rows[0].amount_cents) : null;
}
