/** Liveness and readiness (public, DESIGN §6): readiness means the database answers. */
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';

export async function registerHealthRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ ok: true }));
  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    try {
      await deps.db.query('SELECT 1 FROM schema_migrations LIMIT 1');
      return { ok: true, database: deps.db.kind };
    } catch {
      return reply.status(503).send({ code: 'not_ready', message: 'The database is not reachable or not migrated' });
    }
  });
}
