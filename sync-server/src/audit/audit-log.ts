/**
 * The audit log (DESIGN §5, §6): append-only, a gapless sequence per business, each entry
 * chained to the one before by `recordHash` from @payme/shared, UPDATE/DELETE refused by
 * trigger, and Ed25519-signed checkpoints so that even a history rewritten with every hash
 * recomputed no longer matches what was signed (and what tills hold).
 */
import { checkpointMessage, genesis_hash, isoAt, recordHash, verifyChain, type ChainedRecord, type Clock } from '@payme/shared';
import type { Db } from '../db/db.js';
import { signMessage, verifySignature, type SigningKey } from './signing-key.js';

export interface AuditEntryInput {
  kind: string;
  actor: string | null;
  subject: string | null;
  data: unknown;
  /** ISO-8601 UTC time, hashed exactly as given. */
  occurred_at: string;
}

export interface AuditRecord {
  business_id: string;
  seq: number;
  kind: string;
  actor: string | null;
  subject: string | null;
  data: unknown;
  occurred_at: string;
  prev_hash: string;
  hash: string;
}

export interface Checkpoint {
  business_id: string;
  seq: number;
  hash: string;
  signature: string;
  key_id: string;
  created_at: string;
}

/** Signed checkpoints are written at least this often while a business is active. */
export const checkpoint_interval_ms = 60_000;
/** Verification reads the chain in pages so memory stays flat for long histories. */
const verify_page_rows = 5_000;

/**
 * Appends one entry in the caller's transaction. The `UPDATE … RETURNING` takes the business
 * row's lock, so concurrent appenders of one business queue up and the sequence stays gapless;
 * other businesses are not blocked.
 */
export async function appendAudit(tx: Db, businessId: string, entry: AuditEntryInput): Promise<{ seq: number; hash: string }> {
  const locked = await tx.query<{ audit_seq: number }>(
    'UPDATE businesses SET audit_seq = audit_seq + 1 WHERE id = $1 RETURNING audit_seq',
    [businessId],
  );
  const seq = locked[0]?.audit_seq;
  if (seq === undefined) throw new Error(`appendAudit: no business ${businessId}`);
  let prevHash = genesis_hash;
  if (seq > 1) {
    const prev = await tx.query<{ hash: string }>('SELECT hash FROM audit_log WHERE business_id = $1 AND seq = $2', [businessId, seq - 1]);
    if (!prev[0]) throw new Error(`appendAudit: audit entry ${seq - 1} of ${businessId} is missing`);
    prevHash = prev[0].hash;
  }
  // Hash the JSON form: what jsonb stores and returns is JSON, so `undefined` fields must go now.
  const data: unknown = JSON.parse(JSON.stringify(entry.data ?? null));
  const record = {
    business_id: businessId,
    seq,
    kind: entry.kind,
    actor: entry.actor,
    subject: entry.subject,
    data,
    occurred_at: entry.occurred_at,
    prev_hash: prevHash,
  };
  const hash = recordHash(record);
  await tx.query(
    `INSERT INTO audit_log (business_id, seq, kind, actor, subject, data, occurred_at, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [businessId, seq, entry.kind, entry.actor, entry.subject, JSON.stringify(data), entry.occurred_at, prevHash, hash],
  );
  return { seq, hash };
}

export type AuditVerifyResult =
  | { ok: true; business_id: string; head_seq: number; checkpoints_verified: number; last_checkpoint_seq: number | null }
  | {
      ok: false;
      business_id: string;
      head_seq: number;
      /** The first sequence number that cannot be trusted. */
      broken_seq: number;
      problem: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'missing_entries' | 'checkpoint_mismatch' | 'checkpoint_signature' | 'checkpoint_beyond_head';
      message: string;
      checkpoint_seq?: number;
    };

/**
 * Recomputes the chain of one business and checks it against its signed checkpoints.
 * `publicKeys` maps key ids to hex public keys (the current key and any retired ones).
 */
export async function verifyAudit(db: Db, businessId: string, publicKeys: ReadonlyMap<string, string>): Promise<AuditVerifyResult> {
  const business = await db.query<{ audit_seq: number }>('SELECT audit_seq FROM businesses WHERE id = $1', [businessId]);
  const headSeq = business[0]?.audit_seq ?? 0;
  const checkpoints = await db.query<{ seq: number; hash: string; signature: string; key_id: string }>(
    'SELECT seq, hash, signature, key_id FROM audit_checkpoints WHERE business_id = $1 ORDER BY seq',
    [businessId],
  );
  const fail = (broken_seq: number, problem: Extract<AuditVerifyResult, { ok: false }>['problem'], message: string, checkpoint_seq?: number): AuditVerifyResult => ({
    ok: false,
    business_id: businessId,
    head_seq: headSeq,
    broken_seq,
    problem,
    message,
    ...(checkpoint_seq === undefined ? {} : { checkpoint_seq }),
  });

  let nextCheckpoint = 0;
  // The last seq a valid signature vouches for: a rehashed rewrite is located after it.
  let vouchedSeq = 0;
  let expectedSeq = 1;
  let prevHash = genesis_hash;
  for (;;) {
    const page = await db.query<ChainedRecord & { seq: number }>(
      `SELECT business_id::text AS business_id, seq, kind, actor, subject, data, occurred_at, prev_hash, hash
         FROM audit_log WHERE business_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
      [businessId, expectedSeq, verify_page_rows],
    );
    const chainBreak = verifyChain(page, expectedSeq, prevHash);
    const goodRows = chainBreak ? page.slice(0, chainBreak.index) : page;
    for (const row of goodRows) {
      while (nextCheckpoint < checkpoints.length && (checkpoints[nextCheckpoint]?.seq ?? 0) <= row.seq) {
        const checkpoint = checkpoints[nextCheckpoint] as (typeof checkpoints)[number];
        nextCheckpoint += 1;
        const publicKey = publicKeys.get(checkpoint.key_id);
        const message = checkpointMessage({ business_id: businessId, seq: checkpoint.seq, hash: checkpoint.hash });
        if (!publicKey || !verifySignature(publicKey, message, checkpoint.signature)) {
          return fail(vouchedSeq + 1, 'checkpoint_signature', `checkpoint at seq ${checkpoint.seq} has no valid signature by a known key`, checkpoint.seq);
        }
        if (checkpoint.seq !== row.seq || checkpoint.hash !== row.hash) {
          return fail(
            vouchedSeq + 1,
            'checkpoint_mismatch',
            `the history between seq ${vouchedSeq + 1} and ${checkpoint.seq} differs from what was signed at seq ${checkpoint.seq}`,
            checkpoint.seq,
          );
        }
        vouchedSeq = checkpoint.seq;
      }
    }
    if (chainBreak) {
      return fail(chainBreak.seq, chainBreak.problem, `audit entry ${chainBreak.seq}: ${chainBreak.problem.replaceAll('_', ' ')}`);
    }
    const last = page[page.length - 1];
    if (last) {
      expectedSeq = last.seq + 1;
      prevHash = last.hash;
    }
    if (page.length < verify_page_rows) break;
  }
  if (expectedSeq - 1 < headSeq) {
    return fail(expectedSeq, 'missing_entries', `audit entries ${expectedSeq} to ${headSeq} are missing`);
  }
  if (nextCheckpoint < checkpoints.length) {
    const checkpoint = checkpoints[nextCheckpoint] as (typeof checkpoints)[number];
    return fail(expectedSeq, 'checkpoint_beyond_head', `a checkpoint signs seq ${checkpoint.seq} but the log ends at ${expectedSeq - 1}`, checkpoint.seq);
  }
  return {
    ok: true,
    business_id: businessId,
    head_seq: headSeq,
    checkpoints_verified: checkpoints.length,
    last_checkpoint_seq: checkpoints[checkpoints.length - 1]?.seq ?? null,
  };
}

/** The audit service the routes and ingest share: appends, checkpoints and verification. */
export class AuditService {
  readonly publicKeys: ReadonlyMap<string, string>;

  constructor(
    readonly key: SigningKey,
    private readonly clock: Clock,
    /** Retired keys (key id → hex public key) whose old checkpoints must still verify. */
    retiredPublicKeys: ReadonlyMap<string, string> = new Map(),
    readonly intervalMs: number = checkpoint_interval_ms,
  ) {
    this.publicKeys = new Map([...retiredPublicKeys, [key.key_id, key.publicKeyHex]]);
  }

  get publicKeyHex(): string {
    return this.key.publicKeyHex;
  }

  append(tx: Db, businessId: string, entry: AuditEntryInput): Promise<{ seq: number; hash: string }> {
    return appendAudit(tx, businessId, entry);
  }

  /** Appends with `occurred_at` from the service clock. */
  appendNow(tx: Db, businessId: string, entry: Omit<AuditEntryInput, 'occurred_at'>): Promise<{ seq: number; hash: string }> {
    return appendAudit(tx, businessId, { ...entry, occurred_at: isoAt(this.clock.now()) });
  }

  /**
   * Signs the head when at least `intervalMs` passed since the last checkpoint (or there is
   * none yet) and the head moved. Call after appends, inside or outside their transaction.
   */
  maybeCheckpoint(db: Db, businessId: string): Promise<Checkpoint | null> {
    return this.writeCheckpoint(db, businessId, false);
  }

  /** Signs the head now unless it is already signed. */
  checkpoint(db: Db, businessId: string): Promise<Checkpoint | null> {
    return this.writeCheckpoint(db, businessId, true);
  }

  /**
   * Signs every business whose head is unsigned and whose last checkpoint is due (the timer),
   * or every unsigned head when `force` (graceful shutdown: nothing is left unsigned).
   */
  async checkpointDue(db: Db, force = false): Promise<number> {
    const due = await db.query<{ id: string }>(
      `SELECT b.id FROM businesses b
        WHERE b.audit_seq > COALESCE((SELECT max(c.seq) FROM audit_checkpoints c WHERE c.business_id = b.id), 0)`,
    );
    let written = 0;
    for (const { id } of due) if (await this.writeCheckpoint(db, id, force)) written += 1;
    return written;
  }

  /** Verifies, and remembers the outcome (a failed verification is an alarm for the owner). */
  async verify(db: Db, businessId: string): Promise<AuditVerifyResult> {
    const result = await verifyAudit(db, businessId, this.publicKeys);
    await db.query(
      `INSERT INTO audit_last_verification (business_id, verified_at, ok, first_broken_seq, message)
       SELECT id, $2, $3, $4, $5 FROM businesses WHERE id = $1
       ON CONFLICT (business_id) DO UPDATE SET verified_at = excluded.verified_at, ok = excluded.ok,
         first_broken_seq = excluded.first_broken_seq, message = excluded.message`,
      [businessId, isoAt(this.clock.now()), result.ok, result.ok ? null : result.broken_seq, result.ok ? null : result.message],
    );
    return result;
  }

  private writeCheckpoint(db: Db, businessId: string, force: boolean): Promise<Checkpoint | null> {
    return db.transaction(async (tx) => {
      const now = this.clock.now();
      const business = await tx.query<{ audit_seq: number }>('SELECT audit_seq FROM businesses WHERE id = $1 FOR UPDATE', [businessId]);
      const headSeq = business[0]?.audit_seq ?? 0;
      if (headSeq === 0) return null;
      const last = await tx.query<{ seq: number; created_at: Date }>(
        'SELECT seq, created_at FROM audit_checkpoints WHERE business_id = $1 ORDER BY seq DESC LIMIT 1',
        [businessId],
      );
      const previous = last[0];
      if (previous && previous.seq >= headSeq) return null;
      if (!force && previous && now - new Date(previous.created_at).getTime() < this.intervalMs) return null;
      const head = await tx.query<{ hash: string }>('SELECT hash FROM audit_log WHERE business_id = $1 AND seq = $2', [businessId, headSeq]);
      const hash = head[0]?.hash;
      if (!hash) throw new Error(`audit head ${headSeq} of ${businessId} is missing`);
      const signature = signMessage(this.key, checkpointMessage({ business_id: businessId, seq: headSeq, hash }));
      const checkpoint: Checkpoint = { business_id: businessId, seq: headSeq, hash, signature, key_id: this.key.key_id, created_at: isoAt(now) };
      await tx.query(
        `INSERT INTO audit_checkpoints (business_id, seq, hash, signature, key_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [businessId, headSeq, hash, signature, this.key.key_id, checkpoint.created_at],
      );
      return checkpoint;
    });
  }
}

/** The latest signed checkpoint of a business, for the pull feed. */
export async function latestCheckpoint(db: Db, businessId: string): Promise<Checkpoint | null> {
  const rows = await db.query<Omit<Checkpoint, 'created_at'> & { created_at: Date }>(
    `SELECT business_id::text AS business_id, seq, hash, signature, key_id, created_at
       FROM audit_checkpoints WHERE business_id = $1 ORDER BY seq DESC LIMIT 1`,
    [businessId],
  );
  const row = rows[0];
  return row ? { ...row, created_at: new Date(row.created_at).toISOString() } : null;
}
