/**
 * The Daraja simulator (DESIGN §7): a fastify app on Daraja's real paths and JSON, calling back
 * like Daraja, with faults injectable per request or by rate. Control API for tests and e2e:
 * `POST /__sim/faults {rules?, rates?, delays?}`, `DELETE /__sim/faults`, `GET /__sim/requests`
 * (inbound requests and outbound callbacks), `GET /__sim/stk/:id`, `POST /__sim/idle`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SeededRandom, cryptoRandom, systemClock, type Clock, type Random } from '@payme/shared';
import { default_business_time_zone } from '../daraja-timestamp.js';
import { CallbackDispatcher, realTimeScheduler, type Scheduler, type SimFetch } from './sim-callbacks.js';
import { registerC2bRoutes } from './sim-c2b-routes.js';
import { default_sim_delays, type SimContext, type SimDelays } from './sim-context.js';
import { FaultBook, sim_operations, type SimFaultRates, type SimFaultRule, type SimOperation } from './sim-faults.js';
import { registerStkRoutes } from './sim-stk-routes.js';

export interface DarajaSimulatorOptions {
  clock?: Clock;
  random?: Random;
  fetch?: SimFetch;
  scheduler?: Scheduler;
  delays?: Partial<SimDelays>;
  rates?: SimFaultRates;
  /** Consumer key → secret accepted by OAuth; by default any non-empty pair. */
  consumers?: Record<string, string>;
  /** Shortcode → passkey checked in STK passwords; by default only the password's shape is checked. */
  passkeys?: Record<string, string>;
  token_lifetime_s?: number;
  time_zone?: string;
  /** Fastify's logger; off by default. */
  logger?: boolean;
}

export interface DarajaSimulator {
  app: FastifyInstance;
  context: SimContext;
  /** Resolves when every scheduled callback has gone out. */
  idle(): Promise<void>;
}

const faultSchema = z.object({
  http_status: z.union([z.literal(400), z.literal(401), z.literal(429), z.literal(500), z.literal(503)]).optional(),
  result_code: z.number().int().optional(),
  result_desc: z.string().optional(),
  callback: z.enum(['normal', 'lost', 'late']).optional(),
  duplicates: z.number().int().min(0).max(20).optional(),
  concurrent: z.boolean().optional(),
  spoof: z.enum(['wrong_amount', 'unknown_checkout', 'fake_success']).optional(),
  reorder: z.boolean().optional(),
  delay_ms: z.number().int().min(0).max(600_000).optional(),
  queue_timeout: z.boolean().optional(),
  result_lost: z.boolean().optional(),
});

const rate = z.number().min(0).max(1).optional();
const controlSchema = z.object({
  rules: z
    .array(
      z.object({
        match: z.object({ operation: z.enum(sim_operations).optional(), phone: z.string().optional(), shortcode: z.string().optional() }).optional(),
        times: z.number().int().min(0).optional(),
        fault: faultSchema,
      }),
    )
    .max(1000)
    .optional(),
  rates: z.object({ duplicate: rate, lost: rate, late: rate, reordered: rate, http_500: rate, spike_arrest: rate }).optional(),
  delays: z
    .object({
      callback_ms: z.number().int().min(0).optional(),
      late_ms: z.number().int().min(0).optional(),
      duplicate_spacing_ms: z.number().int().min(0).optional(),
      result_ms: z.number().int().min(0).optional(),
    })
    .optional(),
});

export function createDarajaSimulator(options: DarajaSimulatorOptions = {}): DarajaSimulator {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const fetch: SimFetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const delays: SimDelays = { ...default_sim_delays, ...options.delays };
  // Faults draw from their own stream, seeded from `random`: ids and receipts are drawn at
  // callback time, whose interleaving with requests varies, and must not shift the fault draws.
  const faults = new FaultBook(new SeededRandom(random.int(0, 0x7fffffff)));
  faults.rates = { ...options.rates };
  const context: SimContext = {
    clock,
    random,
    delays,
    faults,
    callbacks: new CallbackDispatcher(fetch, options.scheduler ?? realTimeScheduler, () => clock.now(), Math.max(delays.late_ms, delays.callback_ms * 4)),
    tokens: new Map(),
    token_lifetime_s: options.token_lifetime_s ?? 3599,
    consumers: new Map(Object.entries(options.consumers ?? {})),
    passkeys: new Map(Object.entries(options.passkeys ?? {})),
    stk: new Map(),
    money: new Map(),
    c2b_urls: new Map(),
    inbound: [],
    time_zone: options.time_zone ?? default_business_time_zone,
  };

  const app = Fastify({ logger: options.logger ?? false });
  app.addHook('onResponse', async (request, reply) => {
    const operation = (request.routeOptions.config as { operation?: string }).operation;
    if (operation && (sim_operations as readonly string[]).includes(operation)) {
      context.inbound.push({ at_ms: clock.now(), operation: operation as SimOperation, path: request.url, body: request.body, status: reply.statusCode });
    }
  });
  app.setErrorHandler((error, _request, reply) => {
    // Daraja answers unreadable JSON with its gateway envelope, never an HTML page.
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    void reply.code(status).send({ requestId: '', errorCode: status === 400 ? '400.002.02' : '500.003.1001', errorMessage: status === 400 ? 'Bad Request - Invalid JSON' : 'Internal Server Error' });
  });

  registerStkRoutes(app, context);
  registerC2bRoutes(app, context, fetch);

  app.post('/__sim/faults', async (request, reply) => {
    const parsed = controlSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).send({ code: 'invalid_input', message: parsed.error.issues[0]?.message ?? 'invalid', field: parsed.error.issues[0]?.path.join('.') });
    if (parsed.data.rules) faults.add(parsed.data.rules as SimFaultRule[]);
    if (parsed.data.rates) faults.rates = { ...parsed.data.rates };
    if (parsed.data.delays) Object.assign(delays, parsed.data.delays);
    return { rules: faults.pending(), rates: faults.rates, delays };
  });
  app.delete('/__sim/faults', async () => {
    faults.clear();
    return { rules: [] };
  });
  app.get('/__sim/requests', async () => ({ requests: context.inbound, callbacks: context.callbacks.delivered }));
  app.get('/__sim/stk/:id', async (request, reply) => {
    const record = context.stk.get((request.params as { id: string }).id);
    return record ?? reply.code(404).send({ code: 'not_found', message: 'no such CheckoutRequestID' });
  });
  app.post('/__sim/idle', async () => {
    await context.callbacks.idle();
    return { idle: true };
  });

  return { app, context, idle: () => context.callbacks.idle() };
}
