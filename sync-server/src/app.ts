/**
 * The server: fastify with one error shape, declared access on every route, rate limits on the
 * routes that need them, and the route modules. `close()` stops timers and listeners; the caller
 * that opened the database closes it.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { randomToken, type Clock, type ErrorBody, type Random } from '@payme/shared';
import type { Db } from './db/db.js';
import { resolveConfig, type ServerConfigInput } from './config.js';
import type { ServerDeps } from './deps.js';
import { AuditService } from './audit/audit-log.js';
import { generateSigningKey } from './audit/signing-key.js';
import { FeedNotifier } from './feed/changes.js';
import { installAccessControl } from './http/access.js';
import { handleError, HttpError } from './http/errors.js';
import { loggerOptions, type LoggerOption } from './http/logging.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetrics } from './http/metrics.js';
import { registerAuthRoutes } from './auth/routes.js';
import { registerEnrollmentRoutes } from './auth/enrollment-routes.js';
import { registerOwnerRoutes } from './owner/routes.js';
import { registerAuditRoutes } from './audit/routes.js';
import { registerIngestRoutes } from './ingest/routes.js';
import { registerFeedRoutes } from './feed/routes.js';
import { registerReportRoutes } from './reports/routes.js';
import { installMpesa, type MpesaInstallOptions } from './mpesa/install.js';
import { default_owner_view_dir, registerOwnerView } from './owner-view/owner-view.js';
import { createWorkerSecretHasher, type ServerSecretHasher } from './auth/secret-hasher.js';
import { PushAdmission, pushAdmissionFor } from './ingest/push-admission.js';
import { pacingClock } from './pacing-clock.js';

export interface BuildAppOptions {
  db: Db;
  clock: Clock;
  random: Random;
  config?: ServerConfigInput;
  logger?: LoggerOption;
  /** Run the checkpoint timer (serve does; tests drive checkpoints themselves). */
  checkpointTimer?: boolean;
  /** M-Pesa routes and worker; left out, the server runs without payments (most tests). */
  mpesa?: MpesaInstallOptions;
  /** The built owner web view served at `/` (default `renderer/dist/owner`); null serves none. */
  ownerViewDir?: string | null;
  /** Node's process metrics (memory, CPU, GC) beside PayMe's at `/metrics`; serve turns them on. */
  processMetrics?: boolean;
  /** Password and PIN hashing; left out, a worker pool sized by the config, closed with the app. */
  hasher?: ServerSecretHasher;
}

const request_id_pattern = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const config = resolveConfig(options.config);
  const signingKey = config.signing_key ?? generateSigningKey(options.random);
  const audit = new AuditService(signingKey, options.clock, new Map(Object.entries(config.retired_public_keys)), config.checkpoint_interval_ms);
  const feed = new FeedNotifier(options.db, randomToken(options.random, 12));
  const hasher = options.hasher ?? createWorkerSecretHasher(options.random, { threads: config.hash_threads, queue_max: config.hash_queue_max });
  const pushAdmission = new PushAdmission(pushAdmissionFor(options.db.kind, config.push_admission), pacingClock);
  const deps: ServerDeps = { db: options.db, clock: options.clock, random: options.random, config: { ...config, signing_key: signingKey }, audit, feed, hasher, pushAdmission };

  const app = Fastify({
    logger: loggerOptions(options.logger),
    bodyLimit: config.body_limit_bytes,
    trustProxy: config.trust_proxy === false ? false : config.trust_proxy,
    // A caller-supplied request id is kept when it is short and plain, so logs join up across hops.
    requestIdHeader: false,
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && request_id_pattern.test(sent) ? sent : randomToken(options.random, 12);
    },
    return503OnClosing: true,
    // Router-level refusals (a malformed or overlong URL) get the same error shape as the rest.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const plainReply = reply as unknown as { status(code: number): { send(body: ErrorBody): unknown } };
      plainReply.status(tooLong ? 414 : 400).send({ code: tooLong ? 'url_too_long' : 'bad_url', message: error.message, field: 'url' });
    },
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody);
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  // The cookie parser's hook must run before the access hook reads the session cookie.
  await app.register(cookie);
  installAccessControl(app, deps);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, 'rate_limited', `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s`, undefined, {
        retry_after_seconds: Math.ceil(context.ttl / 1000),
      }),
  });

  await registerHealthRoutes(app, deps);
  // Before the other routes, so its response hook times the push and the callbacks.
  await registerMetrics(app, deps, { processMetrics: options.processMetrics ?? false });
  await registerAuthRoutes(app, deps);
  await registerEnrollmentRoutes(app, deps);
  await registerOwnerRoutes(app, deps);
  await registerAuditRoutes(app, deps);
  await registerIngestRoutes(app, deps);
  await registerFeedRoutes(app, deps);
  await registerReportRoutes(app, deps);
  if (options.mpesa) await installMpesa(app, deps, options.mpesa);
  await registerOwnerView(app, options.ownerViewDir === undefined ? default_owner_view_dir : options.ownerViewDir);

  await feed.start();
  let timer: NodeJS.Timeout | null = null;
  if (options.checkpointTimer) {
    // The process-edge timer guarantees a checkpoint within a minute of the last activity even
    // when no further append comes along to trigger one.
    timer = setInterval(() => {
      audit.checkpointDue(options.db).catch((error: unknown) => app.log.error({ err: error }, 'checkpoint timer failed'));
    }, Math.max(1_000, Math.floor(config.checkpoint_interval_ms / 2)));
    timer.unref();
  }
  app.addHook('onClose', async () => {
    if (timer) {
      clearInterval(timer);
      // A graceful stop signs what the timer would have signed within the minute.
      await audit.checkpointDue(options.db, true).catch((error: unknown) => app.log.error({ err: error }, 'final checkpoint failed'));
    }
    await feed.close();
    // A hasher handed in belongs to the caller; the app's own pool stops with it.
    if (options.hasher === undefined) await hasher.close();
  });
  return app;
}
