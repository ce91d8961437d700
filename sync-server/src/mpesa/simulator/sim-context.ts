/**
 * The simulator's shared state: issued tokens, STK requests and the money that moved (for
 * Transaction Status and Reversal), plus the helpers every route uses to answer like Daraja.
 */
import type { Clock, Random } from '@payme/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { darajaTimestamp } from '../daraja-timestamp.js';
import type { CallbackDispatcher } from './sim-callbacks.js';
import type { FaultBook, SimFault, SimOperation } from './sim-faults.js';

export interface SimDelays {
  /** Until the customer "answers" the STK prompt and the callback goes out. */
  callback_ms: number;
  /** A `late` callback's delay. */
  late_ms: number;
  /** Spacing between duplicate deliveries (unless concurrent). */
  duplicate_spacing_ms: number;
  /** Transaction Status / Reversal result delay. */
  result_ms: number;
}

export const default_sim_delays: SimDelays = { callback_ms: 50, late_ms: 1_000, duplicate_spacing_ms: 5, result_ms: 30 };

export interface StkRecord {
  merchant_request_id: string;
  checkout_request_id: string;
  shortcode: string;
  party_b: string;
  amount: number;
  phone: string;
  callback_url: string;
  fault: SimFault;
  status: 'processing' | 'done';
  result_code?: number;
  result_desc?: string;
  receipt?: string;
}

export interface MoneyRecord {
  receipt: string;
  amount: number;
  phone: string;
  shortcode: string;
  /** The STK request that moved it, when it came from STK. */
  checkout_request_id?: string;
  completed_at: string;
  reversed_by?: string;
}

export interface InboundRecord {
  at_ms: number;
  operation: SimOperation;
  path: string;
  body: unknown;
  status: number;
}

export interface SimContext {
  clock: Clock;
  random: Random;
  delays: SimDelays;
  faults: FaultBook;
  callbacks: CallbackDispatcher;
  tokens: Map<string, number>;
  token_lifetime_s: number;
  /** Consumer key → secret; when empty every non-empty pair is accepted. */
  consumers: ReadonlyMap<string, string>;
  /** Shortcode → passkey; when a shortcode is missing any password of the right shape passes. */
  passkeys: ReadonlyMap<string, string>;
  stk: Map<string, StkRecord>;
  money: Map<string, MoneyRecord>;
  c2b_urls: Map<string, { confirmation: string; validation: string; response_type: 'Completed' | 'Cancelled' }>;
  inbound: InboundRecord[];
  time_zone: string;
}

const upper_alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomChars(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[random.int(0, alphabet.length - 1)];
  return out;
}

/** An M-Pesa receipt / TransID: ten characters, a letter first (e.g. `SKL4ABC12D`). */
export function newReceipt(random: Random): string {
  return randomChars(random, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 3) + randomChars(random, upper_alnum, 7);
}

export function newDigits(random: Random, length: number): string {
  return randomChars(random, '0123456789', length);
}

export function nowStamp(ctx: SimContext): string {
  return darajaTimestamp(ctx.clock.now(), ctx.time_zone);
}

/** Daraja's gateway error envelope. */
export function darajaError(ctx: SimContext, reply: FastifyReply, status: number, errorCode: string, errorMessage: string) {
  return reply.code(status).send({ requestId: `${newDigits(ctx.random, 5)}-${newDigits(ctx.random, 8)}-1`, errorCode, errorMessage });
}

/** Answers a fault's HTTP error the way Daraja's gateway does; returns true when it answered. */
export function answerHttpFault(ctx: SimContext, reply: FastifyReply, fault: SimFault): boolean {
  if (fault.http_status === undefined) return false;
  if (fault.http_status === 429) {
    void reply.code(429).send({ fault: { faultstring: 'Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=5, periodInMicroseconds=1000000, maxBurstMessageCount=1.0}', detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' } } });
    return true;
  }
  if (fault.http_status === 401) {
    void darajaError(ctx, reply, 401, '401.003.01', 'Error Occurred - Invalid Access Token - BJGFGOXv5aZnw90KkA4TDtu4Xdyf');
    return true;
  }
  if (fault.http_status === 400) {
    void darajaError(ctx, reply, 400, '400.002.02', 'Bad Request - Invalid request');
    return true;
  }
  void darajaError(ctx, reply, fault.http_status, '500.003.1001', 'Internal Server Error');
  return true;
}

/** Checks the bearer token; answers Daraja's "Invalid Access Token" and returns false when it fails. */
export function checkBearer(ctx: SimContext, request: FastifyRequest, reply: FastifyReply): boolean {
  const header = request.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  const expires = ctx.tokens.get(token);
  if (expires === undefined || ctx.clock.now() >= expires) {
    void darajaError(ctx, reply, 404, '404.001.03', 'Invalid Access Token');
    return false;
  }
  return true;
}

/** Password = base64(shortcode + passkey + timestamp): checked exactly when the passkey is known. */
export function passwordMatches(ctx: SimContext, shortcode: string, password: string, timestamp: string): boolean {
  const decoded = Buffer.from(password, 'base64').toString('utf8');
  const passkey = ctx.passkeys.get(shortcode);
  if (passkey !== undefined) return decoded === `${shortcode}${passkey}${timestamp}`;
  return decoded.startsWith(shortcode) && decoded.endsWith(timestamp) && decoded.length > shortcode.length + timestamp.length;
}

/** Records an inbound request once its answer is known. */
export function recordInbound(ctx: SimContext, operation: SimOperation, request: FastifyRequest, status: number): void {
  ctx.inbound.push({ at_ms: ctx.clock.now(), operation, path: request.url, body: request.body, status });
}
