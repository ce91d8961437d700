/**
 * Till ingest routes: push and recover (device tokens), and the owner's views of what ingest set
 * aside: quarantined events (kept, not applied). Anomalies (applied, flagged) are listed and
 * acknowledged with the reports (reports/routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import { push_body_bytes_max, strictObject } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { DevicePrincipal, StaffPrincipal } from '../auth/principal.js';
import { parseInput } from '../http/errors.js';
import { listQuery } from '../owner/list-query.js';
import { listQuarantine } from '../quarantine/quarantine-list.js';
import { replayQuarantine } from '../quarantine/replay.js';
import { ingestPushInSlices } from './push-slices.js';
import { installPushBodyParser } from './push-body-parser.js';
import { recoverTill } from './recover.js';

/** Businesses whose checkpoint was looked at recently, at most this many remembered. */
const checkpoint_memo_max = 10_000;

export async function registerIngestRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  // maybeCheckpoint takes the business row's lock to look; pushes of a busy business would queue
  // behind it after every push, so it is asked at most once per checkpoint interval per business
  // (the serve timer still signs a checkpoint within the interval of the last activity).
  const checkpointAskedAt = new Map<string, number>();
  const maybeCheckpoint = async (businessId: string) => {
    const now = deps.clock.now();
    const asked = checkpointAskedAt.get(businessId);
    if (asked !== undefined && now - asked < deps.audit.intervalMs) return;
    if (checkpointAskedAt.size >= checkpoint_memo_max) checkpointAskedAt.clear();
    checkpointAskedAt.set(businessId, now);
    await deps.audit.maybeCheckpoint(deps.db, businessId);
  };

  // In a scope of its own, so the quicker body parser (push-body-parser.ts) serves this route only.
  await app.register(async (scope) => {
    installPushBodyParser(scope);
    registerPushRoute(scope, deps, maybeCheckpoint);
  });

  app.post('/v1/sync/recover', { config: { access: 'device', rateLimit: deps.config.rate_limits.push } }, async (request) => {
    const principal = request.principal as DevicePrincipal;
    const response = await recoverTill(deps, principal, request.body);
    deps.feed.notifyFeed(principal.business_id);
    return response;
  });

  app.get('/v1/quarantine', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const query = parseInput(listQuery, request.query);
    return { events: await listQuarantine(deps.db, principal.business_id, query) };
  });

  // The owner's "replay" (UX "Prove it"): what `payme-server quarantine replay` does, for this
  // business only; events that pass now are applied (and reach the reports), the rest stay.
  app.post('/v1/quarantine/replay', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    parseInput(strictObject({}), request.body ?? {});
    const summary = await replayQuarantine(deps.db, deps, principal.business_id);
    await deps.audit.maybeCheckpoint(deps.db, principal.business_id);
    return { examined: summary.examined, applied: summary.applied, still_quarantined: summary.still_quarantined };
  });
}

/**
 * What admission needs of a push body: how many events it carries, and a name for the batch (its
 * length and first and last event ids) so the copies of a retried batch are known as one. The body
 * itself is checked later, in its slot.
 */
function pushShape(body: unknown): { events: number; batch?: string } {
  const events = typeof body === 'object' && body !== null ? (body as { events?: unknown }).events : undefined;
  if (!Array.isArray(events)) return { events: 0 };
  const idOf = (event: unknown): unknown => (typeof event === 'object' && event !== null ? (event as { event_id?: unknown }).event_id : undefined);
  const first = idOf(events[0]);
  const last = idOf(events.at(-1));
  if (typeof first !== 'string' || typeof last !== 'string') return { events: events.length };
  return { events: events.length, batch: `${events.length}:${first}:${last}` };
}

function registerPushRoute(scope: FastifyInstance, deps: ServerDeps, maybeCheckpoint: (businessId: string) => Promise<void>): void {
  scope.post(
    '/v1/sync/push',
    { bodyLimit: push_body_bytes_max, config: { access: 'device', rateLimit: deps.config.rate_limits.push } },
    async (request) => {
      const principal = request.principal as DevicePrincipal;
      const admission = deps.pushAdmission;
      const who = { business_id: principal.business_id, till_id: principal.till_id };
      let ticket = await admission.admit({ ...who, ...pushShape(request.body) });
      let outcome: Awaited<ReturnType<typeof ingestPushInSlices>>;
      try {
        // Between two slices of a long push, whatever waits (a live sale, another till) goes first.
        outcome = await ingestPushInSlices(deps, principal, request.body, admission.limits.slice_events_max, async () => {
          ticket.release();
          ticket = await admission.admit({ ...who, events: admission.limits.slice_events_max }, { continuing: true });
        });
      } finally {
        ticket.release();
      }
      const { changed, ...response } = outcome;
      if (changed) {
        deps.feed.notifyFeed(principal.business_id);
        // Let the long-polls just woken start their shared read first: on PGlite every transaction
        // takes turns on one connection, and the checkpoint's would otherwise go before it.
        await new Promise<void>((resolve) => setImmediate(resolve));
        // A checkpoint is signed when one is due; failing to sign must not fail a committed push.
        await maybeCheckpoint(principal.business_id).catch((error: unknown) => {
          request.log.error({ err: error }, 'checkpoint after push failed');
        });
      }
      return response;
    },
  );
}
