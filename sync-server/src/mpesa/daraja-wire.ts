/**
 * Lenient Daraja request shapes for the simulator, and the C2B register acknowledgement.
 *
 * The client reads Daraja's answers with the shared schemas (@payme/shared daraja.ts). The
 * simulator cannot use the shared *request* schemas: they insist on https callback addresses,
 * and the simulator must call back to http://127.0.0.1 in tests and demos. Only the fields the
 * simulator reads are checked here; unknown fields pass, as on Daraja.
 */
import { z } from 'zod';

/** Daraja sends numeric codes sometimes as numbers, sometimes as strings ("0"). */
const codeLike = z.union([z.string(), z.number()]);

/** Apigee's own fault shape (spike arrest, quota) that the gateway sometimes answers with. */
export const gatewayFaultSchema = z.looseObject({
  fault: z.looseObject({ faultstring: z.string(), detail: z.looseObject({ errorcode: z.string() }).optional() }),
});

export const stkPushRequestSchema = z.looseObject({
  BusinessShortCode: codeLike,
  Password: z.string().min(1),
  Timestamp: z.string().regex(/^\d{14}$/),
  TransactionType: z.enum(['CustomerPayBillOnline', 'CustomerBuyGoodsOnline']),
  Amount: codeLike,
  PartyA: codeLike,
  PartyB: codeLike,
  PhoneNumber: codeLike,
  CallBackURL: z.string().min(1),
  AccountReference: z.string(),
  TransactionDesc: z.string(),
});
export type StkPushRequest = z.infer<typeof stkPushRequestSchema>;

export const stkQueryRequestSchema = z.looseObject({
  BusinessShortCode: codeLike,
  Password: z.string().min(1),
  Timestamp: z.string().regex(/^\d{14}$/),
  CheckoutRequestID: z.string().min(1),
});
export type StkQueryRequest = z.infer<typeof stkQueryRequestSchema>;

export const c2bRegisterRequestSchema = z.looseObject({
  ShortCode: codeLike,
  ResponseType: z.enum(['Completed', 'Cancelled']),
  ConfirmationURL: z.string().min(1),
  ValidationURL: z.string().min(1),
});
export type C2bRegisterRequest = z.infer<typeof c2bRegisterRequestSchema>;

/** Daraja spells it "OriginatorCoversationID" on C2B; both spellings are accepted. */
export const c2bAckResponseSchema = z.looseObject({
  OriginatorCoversationID: z.string().optional(),
  OriginatorConversationID: z.string().optional(),
  ResponseCode: codeLike,
  ResponseDescription: z.string(),
});
export type C2bAckResponse = z.infer<typeof c2bAckResponseSchema>;

export const c2bSimulateRequestSchema = z.looseObject({
  ShortCode: codeLike,
  CommandID: z.enum(['CustomerPayBillOnline', 'CustomerBuyGoodsOnline']),
  Amount: codeLike,
  Msisdn: codeLike,
  BillRefNumber: z.string().optional().nullable(),
});
export type C2bSimulateRequest = z.infer<typeof c2bSimulateRequestSchema>;

export const transactionStatusRequestSchema = z.looseObject({
  Initiator: z.string().min(1),
  SecurityCredential: z.string().min(1),
  CommandID: z.literal('TransactionStatusQuery'),
  TransactionID: z.string().optional(),
  OriginalConversationID: z.string().optional(),
  PartyA: codeLike,
  IdentifierType: codeLike,
  ResultURL: z.string().min(1),
  QueueTimeOutURL: z.string().min(1),
  Remarks: z.string(),
  Occasion: z.string().optional(),
});
export type TransactionStatusRequest = z.infer<typeof transactionStatusRequestSchema>;

export const reversalRequestSchema = z.looseObject({
  Initiator: z.string().min(1),
  SecurityCredential: z.string().min(1),
  CommandID: z.literal('TransactionReversal'),
  TransactionID: z.string().min(1),
  Amount: codeLike,
  ReceiverParty: codeLike,
  // Daraja's own spelling.
  RecieverIdentifierType: codeLike,
  ResultURL: z.string().min(1),
  QueueTimeOutURL: z.string().min(1),
  Remarks: z.string(),
  Occasion: z.string().optional(),
});
export type ReversalRequest = z.infer<typeof reversalRequestSchema>;

