/**
 * Daraja's failures as typed `PaymeError`s, so callers branch on a stable code:
 * - `daraja_unavailable`: network error, timeout, 5xx or spike arrest (429) after the retries;
 * - `daraja_rejected`: Daraja refused the request (4xx, or a non-zero `ResponseCode`), with its
 *   own `errorCode` / `errorMessage` kept in the details;
 * - `daraja_auth_failed`: the consumer key / secret were refused;
 * - `daraja_bad_response`: an answer we cannot read (not JSON, or not Daraja's shape).
 */
import { PaymeError, darajaErrorResponseSchema } from '@payme/shared';
import { gatewayFaultSchema } from './daraja-wire.js';

export interface DarajaErrorInfo {
  http_status?: number;
  daraja_error_code?: string;
  daraja_error_message?: string;
  attempts?: number;
  reason?: string;
}

/** Reads Daraja's error envelope or the gateway's fault shape, whichever the body is. */
export function readDarajaError(body: unknown): { code: string; message: string } | undefined {
  const envelope = darajaErrorResponseSchema.safeParse(body);
  if (envelope.success) return { code: envelope.data.errorCode, message: envelope.data.errorMessage };
  const fault = gatewayFaultSchema.safeParse(body);
  if (fault.success) return { code: fault.data.fault.detail?.errorcode ?? 'gateway_fault', message: fault.data.fault.faultstring };
  // OAuth failures come as {resultCode, resultDesc} or {errorCode, errorMessage}.
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    if (typeof record.resultCode === 'string' && typeof record.resultDesc === 'string') return { code: record.resultCode, message: record.resultDesc };
  }
  return undefined;
}

function details(info: DarajaErrorInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info)) if (value !== undefined) out[key] = value;
  return out;
}

export function darajaUnavailable(operation: string, info: DarajaErrorInfo): PaymeError {
  const why = info.reason ?? (info.http_status !== undefined ? `HTTP ${info.http_status}` : 'no answer');
  return new PaymeError('daraja_unavailable', `M-Pesa did not answer ${operation} (${why}); try again shortly`, undefined, { operation, ...details(info) });
}

export function darajaRejected(operation: string, info: DarajaErrorInfo): PaymeError {
  const words = info.daraja_error_message ?? 'the request was refused';
  return new PaymeError('daraja_rejected', `M-Pesa refused ${operation}: ${words}`, undefined, { operation, ...details(info) });
}

export function darajaAuthFailed(info: DarajaErrorInfo): PaymeError {
  return new PaymeError(
    'daraja_auth_failed',
    'M-Pesa refused the consumer key and secret: check the business’s Daraja credentials',
    undefined,
    { operation: 'oauth', ...details(info) },
  );
}

export function darajaBadResponse(operation: string, info: DarajaErrorInfo): PaymeError {
  return new PaymeError('daraja_bad_response', `M-Pesa answered ${operation} with something we cannot read`, undefined, { operation, ...details(info) });
}

/** Daraja's codes for an access token that expired or was revoked before our cache said so. */
export function isInvalidTokenError(status: number, darajaCode: string | undefined): boolean {
  return status === 401 || darajaCode === '404.001.03' || darajaCode === '401.003.01';
}

/** STK Query's answer while the customer has not yet responded: not an error, ask again later. */
export const stk_query_processing_error_code = '500.001.1001';
