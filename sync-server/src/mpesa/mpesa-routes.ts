/**
 * The M-Pesa HTTP routes (DESIGN §6, §7, §11):
 * - `POST /v1/payments/mpesa/stk` (a till or staff; Idempotency-Key = payment id; rate-limited),
 *   `GET /v1/payments/:id`;
 * - Daraja's callbacks under `/v1/mpesa/:secret/…` (public, guarded by the per-business secret
 *   in the path; body-size limit, never rate-limited): the raw body is stored and answered at
 *   once, and processed afterwards;
 * - the owner's `GET|PUT /v1/mpesa/account` (secrets masked), `POST /v1/mpesa/c2b/register`
 *   (C2B URLs registered with Daraja, answered masked), and the queue: `GET /v1/mpesa/unmatched`
 *   and `POST /v1/mpesa/unmatched/:item_id/resolve` (Idempotency-Key).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoAt, isPaymeError, mpesaAccountInputSchema, parseJsonWithNumberText, parseMpesaAmount, strictObject, uuid } from '@payme/shared';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { appendAudit } from '../audit/audit-log.js';
import { badRequest, notFound, parseInput } from '../http/errors.js';
import { idempotencyKeyFrom } from '../http/idempotency.js';
import type { CallbackRoute } from './callback-processor.js';
import { RawCallbackWriter } from './raw-callback-writer.js';
import { businessForCallbackSecret, loadMpesaAccount, maskedAccount, saveMpesaAccount } from './mpesa-account.js';
import type { MpesaService } from './mpesa-service.js';
import { paymentRecord, readPayment } from './payments.js';
import { requestStkPayment, stkRequestSchema } from './stk-request.js';
import { listUnmatched } from './unmatched-queue.js';
import { resolveInputSchema, resolveUnmatched } from './unmatched-resolve.js';
import { c2bRegisterInputSchema, registerC2bUrls } from './c2b-register.js';
import { listQuery } from '../owner/list-query.js';
import type { StaffPrincipal } from '../auth/principal.js';

/** Daraja's callbacks are a few hundred bytes; this leaves room and refuses floods. */
export const callback_body_bytes_max = 64 * 1024;

export interface MpesaRouteOptions {
  /** Source addresses Daraja calls from; others are logged (or refused when `enforce_ip_allowlist`). */
  callback_ip_allowlist?: readonly string[];
  enforce_ip_allowlist?: boolean;
}

const callback_paths: ReadonlyArray<[string, CallbackRoute]> = [
  ['stk', 'stk'],
  ['c2b/validation', 'c2b_validation'],
  ['c2b/confirmation', 'c2b_confirmation'],
  ['result', 'result'],
  ['timeout', 'timeout'],
];

function principalOf(request: FastifyRequest) {
  const principal = request.principal;
  if (!principal) throw new Error('route without a principal');
  return principal;
}

export async function registerMpesaRoutes(app: FastifyInstance, deps: ServerDeps, mpesa: MpesaService, options: MpesaRouteOptions = {}): Promise<void> {
  // In a scope of its own: its JSON parser keeps the body's text, so the amount is judged as written.
  await app.register(async (scope) => {
    installTextKeepingJsonParser(scope);
    scope.post('/v1/payments/mpesa/stk', { config: { access: 'staff', rateLimit: deps.config.rate_limits.payment } }, async (request, reply) => {
      const principal = principalOf(request);
      const input = parseInput(stkRequestSchema, request.body);
      checkAmountAsWritten(request);
      const key = idempotencyKeyFrom(request);
      if (key !== input.payment_id) throw badRequest('idempotency_key_mismatch', 'The Idempotency-Key must be the payment id', 'Idempotency-Key');
      const caller = principal.kind === 'device'
        ? { business_id: principal.business_id, till_id: principal.till_id, staff_id: null }
        : { business_id: principal.business_id, till_id: null, staff_id: principal.staff_id };
      const result = await requestStkPayment(mpesa, caller, input);
      return reply.status(result.status).send(result.record);
    });
  });

  app.get('/v1/payments/:id', { config: { access: 'staff' } }, async (request) => {
    const { id } = parseInput(strictObject({ id: uuid }), request.params, 'path');
    const row = await readPayment(deps.db, principalOf(request).business_id, id);
    if (!row) throw notFound('Payment', 'id');
    return paymentRecord(row);
  });

  app.get('/v1/mpesa/account', { config: { access: 'owner' } }, async (request) => {
    const account = await loadMpesaAccount(deps.db, mpesa.keyring, principalOf(request).business_id);
    if (!account) throw notFound('M-Pesa account');
    return maskedAccount(account);
  });

  app.put('/v1/mpesa/account', { config: { access: 'owner' } }, async (request) => {
    const principal = principalOf(request);
    const input = parseInput(accountInputSchema, request.body);
    const { consumer_key, consumer_secret, passkey, initiator_name, security_credential, ...settings } = input;
    await deps.db.transaction(async (tx) => {
      await saveMpesaAccount(tx, { keyring: mpesa.keyring, random: deps.random, clock: deps.clock }, principal.business_id, settings, {
        consumer_key,
        consumer_secret,
        passkey,
        ...(initiator_name ? { initiator_name } : {}),
        ...(security_credential ? { security_credential } : {}),
      });
      // The audit entry names what changed, never a secret.
      await appendAudit(tx, principal.business_id, {
        kind: 'mpesa_account_updated',
        actor: principal.kind === 'staff' ? principal.staff_id : null,
        subject: principal.business_id,
        data: { base_url: settings.base_url, kind: settings.kind, business_shortcode: settings.business_shortcode, till_number: settings.till_number ?? null },
        occurred_at: isoAt(deps.clock.now()),
      });
    });
    const account = await loadMpesaAccount(deps.db, mpesa.keyring, principal.business_id);
    return account ? maskedAccount(account) : {};
  });

  // Managers resolve the queue too (DESIGN §12); the M-Pesa account and its credentials stay the owner's.
  app.get('/v1/mpesa/unmatched', { config: { access: 'manager' } }, async (request) => {
    const query = parseInput(unmatchedQuery, request.query, 'query');
    return { items: await listUnmatched(deps.db, principalOf(request).business_id, query) };
  });

  app.post('/v1/mpesa/unmatched/:item_id/resolve', { config: { access: 'manager' } }, async (request, reply) => {
    const principal = principalOf(request) as StaffPrincipal;
    const { item_id } = parseInput(strictObject({ item_id: uuid }), request.params, 'path');
    const input = parseInput(resolveInputSchema, request.body);
    // Required: a missing key is a 400 before anything runs.
    const key = idempotencyKeyFrom(request, true) as string;
    const result = await resolveUnmatched(mpesa, deps, { business_id: principal.business_id, staff_id: principal.staff_id }, item_id, input, key);
    if (result.reversal_queued) mpesa.kick();
    await deps.audit.maybeCheckpoint(deps.db, principal.business_id).catch((error: unknown) => request.log.error({ err: error }, 'checkpoint after resolve failed'));
    return reply.status(result.statusCode).send(result.body);
  });

  app.post('/v1/mpesa/c2b/register', { config: { access: 'owner' } }, async (request) => {
    const principal = principalOf(request) as StaffPrincipal;
    const input = parseInput(c2bRegisterInputSchema, request.body ?? {});
    return registerC2bUrls(mpesa, principal.business_id, principal.staff_id, input);
  });

  await app.register(async (scope) => {
    // Callbacks are stored exactly as they came, as bytes, whatever their content type says.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: callback_body_bytes_max }, (_request, body, done) => done(null, body));
    const allowlist = new Set(options.callback_ip_allowlist ?? []);
    const secretCache = new CallbackSecretCache(deps.db, deps.clock);
    const writer = new RawCallbackWriter(deps.db, deps);
    for (const [path, route] of callback_paths) {
      scope.post(`/v1/mpesa/:secret/${path}`, { bodyLimit: callback_body_bytes_max, config: { access: 'public' } }, async (request, reply) => {
        const secret = (request.params as { secret?: unknown }).secret;
        const businessId = typeof secret === 'string' ? await secretCache.lookup(secret) : undefined;
        if (!businessId) throw notFound('Callback address');
        if (allowlist.size > 0 && !allowlist.has(request.ip)) {
          request.log.warn({ route, source_ip: request.ip }, 'M-Pesa callback from outside the allowlist');
          if (options.enforce_ip_allowlist) return reply.status(403).send({ code: 'forbidden', message: 'Not an M-Pesa address' });
        }
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        await mpesa.acknowledging(() => writer.store(businessId, route, body, request.ip));
        mpesa.kick();
        // Validation answers Daraja's question; every other callback only needs a receipt.
        return route === 'c2b_validation' ? { ResultCode: '0', ResultDesc: 'Accepted' } : { ResultCode: 0, ResultDesc: 'Accepted' };
      });
    }
  });
}

const json_texts = new WeakMap<FastifyRequest, string>();

/** Fastify's own JSON parser (prototype-poisoning checks included), keeping the text it read. */
function installTextKeepingJsonParser(scope: FastifyInstance): void {
  const guarded = scope.getDefaultJsonParser('error', 'error');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    json_texts.set(request, body as string);
    guarded(request, body as string, done);
  });
}

/**
 * The STK amount (cents) must be a whole number as written, not only after JSON.parse: the
 * digits of 10000.000000000001 parse to the double 10000 (issue 12). shared's parseMpesaAmount
 * judges the text, as it judges every amount Daraja sends.
 */
function checkAmountAsWritten(request: FastifyRequest): void {
  const text = json_texts.get(request);
  const written = text === undefined ? undefined : parseJsonWithNumberText(text).numberText(['amount']);
  if (written === undefined) return;
  try {
    parseMpesaAmount(written, 'amount', 'cents');
  } catch (error) {
    throw badRequest('invalid_input', isPaymeError(error) ? error.message : 'amount: must be a whole number of cents', 'amount');
  }
}

/** Callback secret → business, remembered briefly: one query less on the path Daraja waits on. */
export const callback_secret_cache_ms = 30_000;
const callback_secret_cache_entries_max = 10_000;

class CallbackSecretCache {
  private readonly entries = new Map<string, { business_id: string; expires_at_ms: number }>();

  constructor(
    private readonly db: ServerDeps['db'],
    private readonly clock: ServerDeps['clock'],
  ) {}

  async lookup(secret: string): Promise<string | undefined> {
    const now = this.clock.now();
    const hit = this.entries.get(secret);
    if (hit && hit.expires_at_ms > now) return hit.business_id;
    const businessId = await businessForCallbackSecret(this.db, secret);
    // Only known secrets are cached, so probing with random paths cannot grow the map.
    if (businessId) {
      if (this.entries.size >= callback_secret_cache_entries_max) this.entries.clear();
      this.entries.set(secret, { business_id: businessId, expires_at_ms: now + callback_secret_cache_ms });
    }
    return businessId;
  }
}

const unmatchedQuery = listQuery.extend({
  status: z.enum(['open', 'resolved', 'all'], { error: 'must be open, resolved or all' }).optional(),
});

/** The account's rules are shared's, so the owner view's form refuses what the server refuses. */
const accountInputSchema = mpesaAccountInputSchema;
