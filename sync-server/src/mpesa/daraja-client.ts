/**
 * The Daraja HTTP client: OAuth token cached until expiry, STK Push and Query, C2B register,
 * Transaction Status and Reversal, with timeouts, capped exponential backoff with jitter, and
 * Daraja's HTTP errors mapped to typed errors (daraja-errors.ts).
 *
 * One client per set of consumer credentials (a business), since Daraja issues tokens per app.
 * The transport, clock, randomness and sleep are injected so tests run it against the simulator
 * over real HTTP and still control time.
 */
import type { Clock, Random } from '@payme/shared';
import type { z } from 'zod';
import {
  darajaAuthFailed,
  darajaBadResponse,
  darajaRejected,
  darajaUnavailable,
  isInvalidTokenError,
  readDarajaError,
  stk_query_processing_error_code,
} from './daraja-errors.js';
import { stkCredentials } from './daraja-timestamp.js';
import {
  darajaAcceptedResponseSchema,
  darajaTokenResponseSchema,
  stkPushResponseSchema,
  stkQueryResponseSchema,
} from '@payme/shared';
import { c2bAckResponseSchema, type C2bAckResponse } from './daraja-wire.js';

export type StkPushResponse = z.output<typeof stkPushResponseSchema>;
export type StkQueryResponse = z.output<typeof stkQueryResponseSchema>;
export type AsyncAckResponse = z.output<typeof darajaAcceptedResponseSchema>;

export const daraja_base_urls = {
  sandbox: 'https://sandbox.safaricom.co.ke',
  production: 'https://api.safaricom.co.ke',
  simulator: 'http://127.0.0.1:8789',
} as const;

/** Defaults: Daraja answers in well under a second when healthy. */
export const daraja_timeout_ms_default = 10_000;
export const daraja_retries_max_default = 3;
export const daraja_backoff_base_ms_default = 250;
export const daraja_backoff_cap_ms_default = 4_000;
/** Refresh a token this long before Daraja says it expires, so no request carries a dying one. */
export const token_expiry_margin_ms = 60_000;
/** Daraja answers with small JSON bodies; anything bigger is not Daraja. */
export const daraja_response_bytes_max = 64 * 1024;

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal }) => Promise<Response>;

export interface DarajaClientConfig {
  base_url: string;
  consumer_key: string;
  consumer_secret: string;
  timeout_ms?: number;
  retries_max?: number;
  backoff_base_ms?: number;
  backoff_cap_ms?: number;
}

export interface DarajaClientDeps {
  fetch: Fetch;
  clock: Clock;
  random: Random;
  /** Waits between retries; tests may pass one that records the delays. */
  sleep?: (ms: number) => Promise<void>;
}

export interface StkPushInput {
  /** `till`: Buy Goods, `BusinessShortCode` = store number and `PartyB` = till; `paybill`: both the paybill. */
  kind: 'till' | 'paybill';
  /** The store number (Buy Goods) or the paybill: the code the passkey belongs to. */
  business_shortcode: string;
  /** The till number (Buy Goods); ignored for a paybill. */
  till_number?: string;
  passkey: string;
  amount_shillings: number;
  /** 2547XXXXXXXX / 2541XXXXXXXX */
  phone: string;
  callback_url: string;
  account_reference: string;
  description: string;
  time_zone?: string;
}

export interface StkQueryInput {
  business_shortcode: string;
  passkey: string;
  checkout_request_id: string;
  time_zone?: string;
}

/** `processing`: the customer has not answered yet (Daraja's 500.001.1001), ask again later. */
export type StkQueryResult = { status: 'final'; response: StkQueryResponse } | { status: 'processing'; message: string };

export interface C2bRegisterInput {
  shortcode: string;
  response_type: 'Completed' | 'Cancelled';
  confirmation_url: string;
  validation_url: string;
}

export interface InitiatorInput {
  initiator: string;
  /** The initiator password encrypted with Safaricom's certificate, as the portal gives it. */
  security_credential: string;
  result_url: string;
  timeout_url: string;
  remarks: string;
  occasion?: string;
}

export interface TransactionStatusInput extends InitiatorInput {
  /** The M-Pesa receipt, when known. */
  transaction_id?: string;
  /** The request's id when the receipt is not known (an STK payment whose callback never came). */
  original_conversation_id?: string;
  party_a: string;
  /** 4 = organisation shortcode, 2 = till number. */
  identifier_type: '1' | '2' | '4';
}

export interface ReversalInput extends InitiatorInput {
  transaction_id: string;
  amount_shillings: number;
  receiver_party: string;
  /** 11 = organisation (Daraja's documented value for reversals), 4 = shortcode. */
  receiver_identifier_type: '11' | '4' | '2';
}

interface CallSpec<S extends z.ZodType> {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  schema: S;
  /**
   * May a request that timed out after it was sent be sent again? Not for STK Push (the customer
   * would get a second prompt) nor Reversal; an HTTP error answer is safe to retry either way,
   * since Daraja did not accept the request.
   */
  idempotent: boolean;
  /** Daraja error codes that are answers, not faults: never retried. */
  final_error_codes?: readonly string[];
}

type Attempt = { kind: 'ok'; status: number; json: unknown } | { kind: 'network'; reason: string; sent: boolean };

export class DarajaClient {
  private token: { value: string; expires_at_ms: number } | undefined;
  private tokenInFlight: Promise<string> | undefined;
  private readonly timeoutMs: number;
  private readonly retriesMax: number;
  private readonly backoffBaseMs: number;
  private readonly backoffCapMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly config: DarajaClientConfig,
    private readonly deps: DarajaClientDeps,
  ) {
    this.timeoutMs = config.timeout_ms ?? daraja_timeout_ms_default;
    this.retriesMax = config.retries_max ?? daraja_retries_max_default;
    this.backoffBaseMs = config.backoff_base_ms ?? daraja_backoff_base_ms_default;
    this.backoffCapMs = config.backoff_cap_ms ?? daraja_backoff_cap_ms_default;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** A valid access token, fetched once and shared by concurrent callers until it nears expiry. */
  async accessToken(): Promise<string> {
    if (this.token && this.deps.clock.now() < this.token.expires_at_ms) return this.token.value;
    this.tokenInFlight ??= this.fetchToken().finally(() => {
      this.tokenInFlight = undefined;
    });
    return this.tokenInFlight;
  }

  /** Forgets the cached token (Daraja said it is invalid). */
  invalidateToken(): void {
    this.token = undefined;
  }

  async stkPush(input: StkPushInput): Promise<StkPushResponse> {
    const { Timestamp, Password } = stkCredentials(this.deps.clock, input.business_shortcode, input.passkey, input.time_zone);
    const partyB = input.kind === 'till' ? input.till_number : input.business_shortcode;
    if (input.kind === 'till' && !input.till_number) throw darajaRejected('STK Push', { reason: 'a Buy Goods payment needs the till number' });
    const response = await this.authorizedCall({
      operation: 'STK Push',
      method: 'POST',
      path: '/mpesa/stkpush/v1/processrequest',
      schema: stkPushResponseSchema,
      idempotent: false,
      // "Unable to lock subscriber": another prompt is open on that phone; retrying would stack prompts.
      final_error_codes: ['500.001.1001'],
      body: {
        BusinessShortCode: input.business_shortcode,
        Password,
        Timestamp,
        TransactionType: input.kind === 'till' ? 'CustomerBuyGoodsOnline' : 'CustomerPayBillOnline',
        Amount: input.amount_shillings,
        PartyA: input.phone,
        PartyB: partyB,
        PhoneNumber: input.phone,
        CallBackURL: input.callback_url,
        AccountReference: input.account_reference,
        TransactionDesc: input.description,
      },
    });
    this.assertAccepted('STK Push', response);
    return response;
  }

  async stkQuery(input: StkQueryInput): Promise<StkQueryResult> {
    const { Timestamp, Password } = stkCredentials(this.deps.clock, input.business_shortcode, input.passkey, input.time_zone);
    try {
      const response = await this.authorizedCall({
        operation: 'STK Query',
        method: 'POST',
        path: '/mpesa/stkpushquery/v1/query',
        schema: stkQueryResponseSchema,
        idempotent: true,
        final_error_codes: [stk_query_processing_error_code],
        body: { BusinessShortCode: input.business_shortcode, Password, Timestamp, CheckoutRequestID: input.checkout_request_id },
      });
      return { status: 'final', response };
    } catch (error) {
      const code = (error as { details?: { daraja_error_code?: unknown } }).details?.daraja_error_code;
      if (code === stk_query_processing_error_code) {
        return { status: 'processing', message: String((error as { details: { daraja_error_message?: unknown } }).details.daraja_error_message ?? '') };
      }
      throw error;
    }
  }

  async registerC2bUrls(input: C2bRegisterInput): Promise<C2bAckResponse> {
    const response = await this.authorizedCall({
      operation: 'C2B register',
      method: 'POST',
      path: '/mpesa/c2b/v1/registerurl',
      schema: c2bAckResponseSchema,
      idempotent: true,
      body: { ShortCode: input.shortcode, ResponseType: input.response_type, ConfirmationURL: input.confirmation_url, ValidationURL: input.validation_url },
    });
    this.assertAccepted('C2B register', response);
    return response;
  }

  async transactionStatus(input: TransactionStatusInput): Promise<AsyncAckResponse> {
    const body: Record<string, unknown> = {
      Initiator: input.initiator,
      SecurityCredential: input.security_credential,
      CommandID: 'TransactionStatusQuery',
      PartyA: input.party_a,
      IdentifierType: input.identifier_type,
      ResultURL: input.result_url,
      QueueTimeOutURL: input.timeout_url,
      Remarks: input.remarks,
      Occasion: input.occasion ?? '',
    };
    if (input.transaction_id !== undefined) body.TransactionID = input.transaction_id;
    if (input.original_conversation_id !== undefined) body.OriginalConversationID = input.original_conversation_id;
    const response = await this.authorizedCall({
      operation: 'Transaction Status',
      method: 'POST',
      path: '/mpesa/transactionstatus/v1/query',
      schema: darajaAcceptedResponseSchema,
      idempotent: true,
      body,
    });
    this.assertAccepted('Transaction Status', response);
    return response;
  }

  async reversal(input: ReversalInput): Promise<AsyncAckResponse> {
    const response = await this.authorizedCall({
      operation: 'Reversal',
      method: 'POST',
      path: '/mpesa/reversal/v1/request',
      schema: darajaAcceptedResponseSchema,
      idempotent: false,
      body: {
        Initiator: input.initiator,
        SecurityCredential: input.security_credential,
        CommandID: 'TransactionReversal',
        TransactionID: input.transaction_id,
        Amount: input.amount_shillings,
        ReceiverParty: input.receiver_party,
        RecieverIdentifierType: input.receiver_identifier_type,
        ResultURL: input.result_url,
        QueueTimeOutURL: input.timeout_url,
        Remarks: input.remarks,
        Occasion: input.occasion ?? '',
      },
    });
    this.assertAccepted('Reversal', response);
    return response;
  }

  /** The backoff before retry number `attempt` (1-based): capped exponential with equal jitter. */
  backoffMs(attempt: number): number {
    const ceiling = Math.min(this.backoffCapMs, this.backoffBaseMs * 2 ** (attempt - 1));
    // Half fixed, half random: never retries at once, and spreads callers that failed together.
    const half = Math.floor(ceiling / 2);
    return half + this.deps.random.int(0, ceiling - half);
  }

  private assertAccepted(operation: string, response: { ResponseCode: string | number; ResponseDescription: string }): void {
    if (String(response.ResponseCode) !== '0') {
      throw darajaRejected(operation, { daraja_error_code: String(response.ResponseCode), daraja_error_message: response.ResponseDescription });
    }
  }

  private async fetchToken(): Promise<string> {
    const basic = Buffer.from(`${this.config.consumer_key}:${this.config.consumer_secret}`, 'utf8').toString('base64');
    const requestedAt = this.deps.clock.now();
    const response = await this.call(
      { operation: 'OAuth', method: 'GET', path: '/oauth/v1/generate?grant_type=client_credentials', schema: darajaTokenResponseSchema, idempotent: true },
      { Authorization: `Basic ${basic}` },
    );
    const expiresInS = Number(response.expires_in);
    if (!Number.isFinite(expiresInS) || expiresInS <= 0) throw darajaBadResponse('OAuth', { reason: 'expires_in is not a positive number' });
    // Measured from when we asked, so a slow answer cannot stretch the token past its life.
    const lifetimeMs = Math.max(0, expiresInS * 1000 - token_expiry_margin_ms);
    this.token = { value: response.access_token, expires_at_ms: requestedAt + lifetimeMs };
    return response.access_token;
  }

  /** A call with a bearer token; an "invalid token" answer refreshes the token and tries once more. */
  private async authorizedCall<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S>> {
    const token = await this.accessToken();
    try {
      return await this.call(spec, { Authorization: `Bearer ${token}` });
    } catch (error) {
      const info = (error as { details?: { http_status?: number; daraja_error_code?: string } }).details;
      if (info && typeof info.http_status === 'number' && isInvalidTokenError(info.http_status, info.daraja_error_code)) {
        this.invalidateToken();
        return this.call(spec, { Authorization: `Bearer ${await this.accessToken()}` });
      }
      throw error;
    }
  }

  private async call<S extends z.ZodType>(spec: CallSpec<S>, headers: Record<string, string>): Promise<z.output<S>> {
    const allHeaders: Record<string, string> = { Accept: 'application/json', ...headers };
    if (spec.body !== undefined) allHeaders['Content-Type'] = 'application/json';
    const bodyText = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(spec, allHeaders, bodyText);
      const retryable = this.classify(spec, outcome, attempt);
      if (retryable === 'done') return this.parse(spec, outcome);
      if (attempt > this.retriesMax || retryable === 'final') throw this.toError(spec, outcome, attempt);
      await this.sleep(this.backoffMs(attempt));
    }
  }

  private async attempt(spec: CallSpec<z.ZodType>, headers: Record<string, string>, body: string | undefined): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let sent = false;
    try {
      const init = { method: spec.method, headers, signal: controller.signal, ...(body === undefined ? {} : { body }) };
      const response = await this.deps.fetch(this.config.base_url.replace(/\/+$/, '') + spec.path, init);
      sent = true;
      const text = await response.text();
      if (text.length > daraja_response_bytes_max) return { kind: 'ok', status: response.status, json: undefined };
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { kind: 'ok', status: response.status, json };
    } catch (error) {
      // An abort means the request may have reached Daraja; a refused connection means it did not.
      const aborted = controller.signal.aborted;
      return { kind: 'network', reason: aborted ? `timed out after ${this.timeoutMs} ms` : describeNetworkError(error), sent: aborted || sent };
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(spec: CallSpec<z.ZodType>, outcome: Attempt, _attempt: number): 'done' | 'retry' | 'final' {
    if (outcome.kind === 'network') return outcome.sent && !spec.idempotent ? 'final' : 'retry';
    if (outcome.status >= 200 && outcome.status < 300) return 'done';
    const darajaCode = readDarajaError(outcome.json)?.code;
    if (darajaCode !== undefined && spec.final_error_codes?.includes(darajaCode)) return 'final';
    if (outcome.status === 429 || outcome.status >= 500) return 'retry';
    return 'final';
  }

  private parse<S extends z.ZodType>(spec: CallSpec<S>, outcome: Attempt): z.output<S> {
    const json = outcome.kind === 'ok' ? outcome.json : undefined;
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const status = outcome.kind === 'ok' ? outcome.status : undefined;
      throw darajaBadResponse(spec.operation, { http_status: status, reason: parsed.error.issues[0]?.message });
    }
    return parsed.data;
  }

  private toError(spec: CallSpec<z.ZodType>, outcome: Attempt, attempts: number) {
    if (outcome.kind === 'network') return darajaUnavailable(spec.operation, { reason: outcome.reason, attempts });
    const daraja = readDarajaError(outcome.json);
    const info = { http_status: outcome.status, daraja_error_code: daraja?.code, daraja_error_message: daraja?.message, attempts };
    if (spec.final_error_codes && daraja && spec.final_error_codes.includes(daraja.code)) return darajaRejected(spec.operation, info);
    if (outcome.status === 429 || outcome.status >= 500) return darajaUnavailable(spec.operation, { ...info, reason: outcome.status === 429 ? 'spike arrest' : `HTTP ${outcome.status}` });
    if (spec.operation === 'OAuth' && (outcome.status === 400 || outcome.status === 401 || outcome.status === 403)) return darajaAuthFailed(info);
    return darajaRejected(spec.operation, info);
  }
}

function describeNetworkError(error: unknown): string {
  // undici wraps the socket error: `cause.code`, or for several addresses `cause.errors[i].code`.
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  const first = cause?.errors?.find((inner) => typeof inner.code === 'string');
  if (first) return String(first.code);
  return error instanceof Error ? error.message : 'network error';
}
