/** Enrollment codes (owner) and the one-time exchange for a device token (public, rate-limited). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { parseInput } from '../http/errors.js';
import { nameField, strictBody, uuidField } from '../http/input.js';
import { createEnrollmentCode, enrollTill } from './enrollment.js';
import type { StaffPrincipal } from './principal.js';
import { appendAuditNow } from '../owner/owner-write.js';

/** Codes live at most one day; the default is the config's (15 minutes). */
export const enrollment_code_ttl_minutes_max = 24 * 60;

const enrollBody = strictBody({
  code: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be an enrollment code') })
    .min(1, { error: 'may not be empty' })
    .max(40, { error: 'may be at most 40 characters' }),
  name: nameField,
});

const codeBody = strictBody({
  store_id: uuidField,
  ttl_minutes: z
    .number({ error: 'must be a whole number of minutes' })
    .int({ error: 'must be a whole number of minutes' })
    .min(1, { error: 'must be at least 1' })
    .max(enrollment_code_ttl_minutes_max, { error: `may be at most ${enrollment_code_ttl_minutes_max}` })
    .optional(),
});

export async function registerEnrollmentRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.post('/v1/tills/enroll', { config: { access: 'public', rateLimit: deps.config.rate_limits.enroll } }, async (request) => {
    const body = parseInput(enrollBody, request.body);
    return enrollTill(deps, body.code, body.name);
  });

  app.post('/v1/enrollment-codes', { config: { access: 'owner' } }, async (request, reply) => {
    const principal = request.principal as StaffPrincipal;
    const body = parseInput(codeBody, request.body);
    const ttlMs = body.ttl_minutes === undefined ? deps.config.enrollment_code_ttl_ms : body.ttl_minutes * 60_000;
    const created = await deps.db.transaction(async (tx) => {
      const code = await createEnrollmentCode(tx, deps, principal.business_id, body.store_id, principal.staff_id, ttlMs);
      await appendAuditNow(deps, tx, principal.business_id, {
        kind: 'enrollment_code.issued',
        actor: principal.staff_id,
        subject: body.store_id,
        data: { store_id: body.store_id, expires_at: code.expires_at },
      });
      return code;
    });
    return reply.status(201).send(created);
  });
}
