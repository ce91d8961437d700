/**
 * Wires M-Pesa into the server: the service (worker included) and its routes. `buildApp` calls
 * `installMpesa(app, deps, options.mpesa)`; `serve` passes the keyring from `loadKeyring` and
 * `start_worker: true`.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import type { Keyring } from './credentials.js';
import type { Fetch } from './daraja-client.js';
import { MpesaService, type MpesaServiceOptions } from './mpesa-service.js';
import { registerMpesaRoutes, type MpesaRouteOptions } from './mpesa-routes.js';

export interface MpesaInstallOptions extends MpesaRouteOptions {
  keyring: Keyring;
  fetch?: Fetch;
  stk_deadline_ms?: number;
  client?: MpesaServiceOptions['client'];
  sleep?: MpesaServiceOptions['sleep'];
  /** Poll for due jobs on a timer (serve); tests drive `service.drain()` instead. */
  start_worker?: boolean;
  worker_interval_ms?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    mpesa?: MpesaService;
  }
}

export async function installMpesa(app: FastifyInstance, deps: ServerDeps, options: MpesaInstallOptions): Promise<MpesaService> {
  const service = new MpesaService({
    db: deps.db,
    clock: deps.clock,
    random: deps.random,
    keyring: options.keyring,
    notifyFeed: (businessId) => deps.feed.notifyFeed(businessId),
    onError: (error, where) => app.log.error({ err: error }, where),
    onWarn: (fields, message) => app.log.warn(fields, message),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.stk_deadline_ms !== undefined ? { stk_deadline_ms: options.stk_deadline_ms } : {}),
    ...(options.client ? { client: options.client } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  app.decorate('mpesa', service);
  // Callback acknowledgements go before any push is let in (DESIGN §7, ingest/push-admission.ts).
  deps.pushAdmission.beforeGrant = () => service.yieldToAcknowledgements();
  await registerMpesaRoutes(app, deps, service, options);
  if (options.start_worker) service.start(options.worker_interval_ms);
  app.addHook('onClose', async () => {
    await service.stop();
  });
  return service;
}
