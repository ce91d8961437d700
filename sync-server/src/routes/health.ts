/**
 * Liveness and readiness (public, DESIGN §6, §13): readiness means the database answers and every
 * migration this build ships (`db/migrations`) is recorded in `schema_migrations`. A database a
 * newer release migrated further is still ready for this one (migrations are expand-only).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import { loadMigrations } from '../db/migrate.js';

export async function registerHealthRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const shipped = (await loadMigrations()).map((migration) => migration.version);
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ ok: true }));
  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    let applied: Set<number>;
    try {
      applied = new Set((await deps.db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version));
    } catch {
      return reply.status(503).send({ code: 'not_ready', message: 'The database is not reachable or not migrated: run payme-server migrate' });
    }
    const missing = shipped.filter((version) => !applied.has(version));
    if (missing.length > 0) {
      return reply.status(503).send({
        code: 'not_ready',
        message: `Migrations ${missing.join(', ')} are not applied: run payme-server migrate`,
        missing_migrations: missing,
      });
    }
    return { ok: true, database: deps.db.kind, schema_version: Math.max(0, ...shipped) };
  });
}
