/**
 * The feed: `GET /v1/sync/pull` for tills (cursor + long-poll) and `GET /v1/feed/stream` for the
 * owner's web view (the same changes as Server-Sent Events, resumable with Last-Event-ID).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isoAt, long_poll_wait_seconds_max, pullQuerySchema } from '@payme/shared';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import type { DevicePrincipal, StaffPrincipal } from '../auth/principal.js';
import { HttpError, parseInput } from '../http/errors.js';
import { FeedWaiters } from './long-poll.js';
import { FeedReader, parseCursor, pull_changes_max } from './pull.js';
import { TillHealthRecorder } from './till-health.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The open long-polls and streams of this instance (health figures, benchmarks). */
    feedWaiters: FeedWaiters;
    /** What pulls say about each till, written in batches (till-health.ts). */
    tillHealth: TillHealthRecorder;
  }
}

/** Feed kinds a manager's stream leaves out (managers see no staff and no settings, DESIGN §12). */
const manager_hidden_kinds: ReadonlySet<string> = new Set(['staff', 'setting']);
const no_kinds: ReadonlySet<string> = new Set();

/** An idle SSE stream gets a comment this often, so proxies and browsers keep it open. */
export const sse_heartbeat_ms = 15_000;

const streamQuery = z.strictObject(
  { after: z.string({ error: 'must be a cursor' }).max(32, { error: 'must be a cursor' }).optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field: ${issue.keys.join(', ')}` : 'must be an object') },
);

function busy(reply: FastifyReply): HttpError {
  void reply.header('retry-after', '1');
  return new HttpError(503, 'feed_busy', 'Too many open feed connections; try again in a second', undefined, { retry_after_seconds: 1 });
}

export async function registerFeedRoutes(app: FastifyInstance, deps: ServerDeps, options: { waitersMax?: number; heartbeatMs?: number } = {}): Promise<void> {
  const waiters = new FeedWaiters(deps.feed, options.waitersMax);
  const reader = new FeedReader(deps.db);
  app.decorate('feedWaiters', waiters);
  const tillHealth = new TillHealthRecorder(deps.db, (error) => app.log.error({ err: error }, 'writing till health failed'));
  app.decorate('tillHealth', tillHealth);
  tillHealth.start();
  app.addHook('onClose', async () => tillHealth.close());
  const streams = new Set<() => void>();
  const heartbeatMs = options.heartbeatMs ?? sse_heartbeat_ms;
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
    waiters.close();
  });

  app.get('/v1/sync/pull', { config: { access: 'device' } }, async (request, reply) => {
    const principal = request.principal as DevicePrincipal;
    const query = parseInput(pullQuerySchema, request.query);
    const after = parseCursor(query.after);
    // Pulling after a cursor means the till has applied every change up to it.
    tillHealth.note({
      business_id: principal.business_id,
      till_id: principal.till_id,
      pulled_at: isoAt(deps.clock.now()),
      feed_seq: after,
      outbox_depth: query.outbox_depth ?? null,
      app_version: query.app_version ?? null,
    });
    const read = () => reader.read(principal.business_id, after, principal.till_id);
    if (query.wait === 0) return read();
    const waiter = waiters.register(principal.business_id);
    if (!waiter) throw busy(reply);
    const hangUp = () => waiter.cancel();
    reply.raw.once('close', hangUp);
    try {
      const page = await read();
      if (page.changes.length > 0) return page;
      const wait = Math.min(query.wait, long_poll_wait_seconds_max) * 1000;
      return (await waiter.changed(wait)) ? await read() : page;
    } finally {
      reply.raw.off('close', hangUp);
      waiter.cancel();
    }
  });

  // The web view's live feed (DESIGN §12): kinds and ids only, never the records themselves (staff
  // records carry PIN hashes); the page refetches what it shows through the routes that check
  // its role. A manager's stream leaves out the kinds a manager may not read at all.
  app.get('/v1/feed/stream', { config: { access: 'manager' } }, async (request, reply) => {
    const principal = request.principal as StaffPrincipal;
    const query = parseInput(streamQuery, request.query);
    const lastEventId = request.headers['last-event-id'];
    const resumeFrom = typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : (query.after ?? '0');
    let cursor = parseCursor(resumeFrom, typeof lastEventId === 'string' && lastEventId !== '' ? 'last-event-id' : 'after');
    const waiter = waiters.register(principal.business_id);
    if (!waiter) throw busy(reply);
    const hidden = principal.role === 'owner' ? no_kinds : manager_hidden_kinds;

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    raw.write(': connected\n\n');
    let open = true;
    const end = () => {
      if (!open) return;
      open = false;
      waiter.cancel();
      streams.delete(end);
      raw.end();
    };
    streams.add(end);
    raw.once('close', end);
    let checkpointSeq = -1;
    try {
      while (open) {
        waiter.rearm();
        const page = await reader.read(principal.business_id, cursor);
        for (const change of page.changes) {
          if (hidden.has(change.kind)) continue;
          raw.write(`id: ${change.cursor}\nevent: change\ndata: ${JSON.stringify({ cursor: change.cursor, kind: change.kind, id: change.id })}\n\n`);
        }
        if (page.checkpoint && page.checkpoint.seq !== checkpointSeq) {
          checkpointSeq = page.checkpoint.seq;
          raw.write(`event: checkpoint\ndata: ${JSON.stringify(page.checkpoint)}\n\n`);
        }
        cursor = Number(page.cursor);
        if (page.changes.length >= pull_changes_max) continue;
        if (!(await waiter.changed(heartbeatMs)) && open) raw.write(': heartbeat\n\n');
      }
    } catch (error) {
      request.log.error({ err: error }, 'feed stream failed');
    } finally {
      end();
    }
  });
}
