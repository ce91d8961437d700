/** Owner view of the audit log: verify the chain, read entries, sign a checkpoint now. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { parseInput } from '../http/errors.js';
import { strictBody } from '../http/input.js';
import { latestCheckpoint } from './audit-log.js';

export const audit_page_rows_max = 1_000;

const entriesQuery = strictBody({
  after: z.string({ error: 'must be a whole number' }).regex(/^\d{1,15}$/, { error: 'must be a whole number' }).transform(Number).optional(),
  /** Newest first, below this sequence number (the owner's log pages back in time). */
  before: z.string({ error: 'must be a whole number' }).regex(/^\d{1,15}$/, { error: 'must be a whole number' }).transform(Number).optional(),
  order: z.enum(['oldest', 'newest'], { error: 'must be oldest or newest' }).optional(),
  /** Entries whose kind starts with this (`product` finds product.created, product.updated, …). */
  kind: z.string({ error: 'must be text' }).regex(/^[a-z_.]{1,64}$/, { error: 'must be a kind like product.updated (lowercase letters, _ and .)' }).optional(),
  /** The id or key the entry is about. */
  subject: z.string({ error: 'must be text' }).min(1, { error: 'may not be empty' }).max(200, { error: 'may be at most 200 characters' }).optional(),
  limit: z
    .string({ error: 'must be a whole number' })
    .regex(/^\d{1,4}$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(1, { error: 'must be at least 1' }).max(audit_page_rows_max, { error: `may be at most ${audit_page_rows_max}` }))
    .optional(),
});

export async function registerAuditRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/v1/audit/verify', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    return deps.audit.verify(deps.db, principal.business_id);
  });

  app.get('/v1/audit/entries', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const query = parseInput(entriesQuery, request.query, 'query');
    const newest = query.order === 'newest' || query.before !== undefined;
    const entries = await deps.db.query(
      `SELECT seq, kind, actor, subject, data, occurred_at, prev_hash, hash FROM audit_log
        WHERE business_id = $1 AND seq > $2 AND ($4::bigint IS NULL OR seq < $4)
          AND ($5::text IS NULL OR starts_with(kind, $5)) AND ($6::text IS NULL OR subject = $6)
        ORDER BY seq ${newest ? 'DESC' : 'ASC'} LIMIT $3`,
      [principal.business_id, query.after ?? 0, query.limit ?? 100, query.before ?? null, query.kind ?? null, query.subject ?? null],
    );
    return { entries };
  });

  app.post('/v1/audit/checkpoints', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    await deps.audit.checkpoint(deps.db, principal.business_id);
    return { checkpoint: await latestCheckpoint(deps.db, principal.business_id), public_key: deps.audit.publicKeyHex };
  });

  app.get('/v1/audit/checkpoints/latest', { config: { access: 'staff' } }, async (request) => {
    const principal = request.principal as { business_id: string };
    return { checkpoint: await latestCheckpoint(deps.db, principal.business_id), public_key: deps.audit.publicKeyHex, key_id: deps.audit.key.key_id };
  });
}
