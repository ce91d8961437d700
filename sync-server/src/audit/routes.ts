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
    const entries = await deps.db.query(
      `SELECT seq, kind, actor, subject, data, occurred_at, prev_hash, hash FROM audit_log
        WHERE business_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [principal.business_id, query.after ?? 0, query.limit ?? 100],
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
