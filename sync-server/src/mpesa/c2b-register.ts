/**
 * Registers the business's C2B confirmation and validation URLs with Daraja (C2B Register URL),
 * so payments made straight to the till number or paybill reach the server (DESIGN §7). The
 * URLs carry the per-business callback secret in their path: the answer and the audit entry show
 * them with the secret masked. Daraja's failures come back as the client's typed errors with an
 * HTTP status that says whose fault it was.
 */
import { isoAt, isPaymeError, strictObject } from '@payme/shared';
import { z } from 'zod';
import { appendAudit } from '../audit/audit-log.js';
import { HttpError } from '../http/errors.js';
import { callbackUrls, type MpesaAccount } from './mpesa-account.js';
import type { MpesaService } from './mpesa-service.js';

export const c2bRegisterInputSchema = strictObject({
  /**
   * What M-Pesa does when the validation URL does not answer in time. `Completed` (the default)
   * takes the customer's money anyway — the confirmation still brings it to the queue — rather
   * than refusing a customer because the shop's server was slow.
   */
  response_type: z.enum(['Completed', 'Cancelled'], { error: 'must be Completed or Cancelled' }).optional(),
});
export type C2bRegisterInput = z.output<typeof c2bRegisterInputSchema>;

export interface C2bRegistration {
  shortcode: string;
  response_type: 'Completed' | 'Cancelled';
  confirmation_url: string;
  validation_url: string;
  registered_at: string;
  daraja: { response_code: string; response_description: string; originator_conversation_id: string | null };
}

/** Daraja's typed errors → the status the owner's browser gets (the code and details are kept). */
const status_by_daraja_code: Record<string, number> = {
  daraja_unavailable: 503,
  daraja_rejected: 502,
  daraja_auth_failed: 502,
  daraja_bad_response: 502,
};

/** The code C2B payments arrive on: the till number for Buy Goods, the paybill otherwise. */
export function c2bShortcode(account: Pick<MpesaAccount, 'kind' | 'till_number' | 'business_shortcode'>): string {
  return account.kind === 'till' && account.till_number ? account.till_number : account.business_shortcode;
}

/** A callback URL with its secret path segment hidden. */
export function maskCallbackUrl(url: string, secret: string): string {
  return url.split(`/${secret}/`).join('/••••/');
}

export async function registerC2bUrls(service: MpesaService, businessId: string, staffId: string | null, input: C2bRegisterInput): Promise<C2bRegistration> {
  const account = await service.account(businessId);
  if (!account) throw new HttpError(409, 'mpesa_not_configured', 'M-Pesa is not set up for this business yet: the owner adds the Daraja credentials first');
  const urls = callbackUrls(account);
  const shortcode = c2bShortcode(account);
  const responseType = input.response_type ?? 'Completed';
  let ack;
  try {
    ack = await service.clientFor(account).registerC2bUrls({ shortcode, response_type: responseType, confirmation_url: urls.confirmation, validation_url: urls.validation });
  } catch (error) {
    if (isPaymeError(error) && !(error instanceof HttpError)) {
      throw new HttpError(status_by_daraja_code[error.code] ?? 502, error.code, error.message, error.field, { ...error.details });
    }
    throw error;
  }
  const secret = account.secrets.callback_secret;
  const registration: C2bRegistration = {
    shortcode,
    response_type: responseType,
    confirmation_url: maskCallbackUrl(urls.confirmation, secret),
    validation_url: maskCallbackUrl(urls.validation, secret),
    registered_at: isoAt(service.env.clock.now()),
    daraja: {
      response_code: String(ack.ResponseCode),
      response_description: ack.ResponseDescription,
      originator_conversation_id: ack.OriginatorConversationID ?? ack.OriginatorCoversationID ?? null,
    },
  };
  await service.env.db.transaction((tx) =>
    appendAudit(tx, businessId, {
      kind: 'mpesa_c2b_registered',
      actor: staffId,
      subject: businessId,
      data: { shortcode, response_type: responseType, confirmation_url: registration.confirmation_url, validation_url: registration.validation_url },
      occurred_at: registration.registered_at,
    }),
  );
  return registration;
}
