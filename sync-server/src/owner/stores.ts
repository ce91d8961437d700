/** Stores (owner writes); the tills and their health are in tills.ts. */
import type { FastifyInstance } from 'fastify';
import { uuidv7 } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { parseInput } from '../http/errors.js';
import { nameField, strictBody, uuidField } from '../http/input.js';
import { ownerWrite } from './owner-write.js';

const storeCreateBody = strictBody({ id: uuidField.optional(), name: nameField });

export async function registerStoreRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/v1/stores', { config: { access: 'manager' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const rows = await deps.db.query('SELECT id::text AS id, name FROM stores WHERE business_id = $1 ORDER BY name, id', [principal.business_id]);
    return { stores: rows };
  });

  app.post('/v1/stores', { config: { access: 'owner' } }, async (request, reply) => {
    const principal = request.principal as StaffPrincipal;
    const body = parseInput(storeCreateBody, request.body);
    const store = await ownerWrite(deps, principal, async (tx, now) => {
      const id = body.id ?? uuidv7(deps.clock, deps.random);
      await tx.query('INSERT INTO stores (id, business_id, name, created_at) VALUES ($1, $2, $3, $4)', [id, principal.business_id, body.name, new Date(now).toISOString()]);
      const created = { id, name: body.name };
      return { audit: { kind: 'store.created', subject: id, data: created }, feed: { kind: 'store', entity_id: id, data: created }, response: created };
    });
    return reply.status(201).send(store);
  });
}
