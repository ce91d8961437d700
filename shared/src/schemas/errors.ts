/**
 * The one error shape of DESIGN §6, `{code, message, field?, ...details}`, and the stable codes
 * PayMe answers with. Clients switch on `code`; `message` is plain words for people.
 */
import { z } from 'zod';

export const error_codes = [
  // input
  'invalid_input',
  'invalid_amount',
  'invalid_quantity',
  'invalid_discount',
  'not_found',
  // who may do it
  'unauthorized',
  'forbidden',
  'approval_required',
  'pin_invalid',
  'pin_locked',
  // business rules
  'stock_insufficient',
  'credit_limit_exceeded',
  'sale_not_refundable',
  'shift_not_open',
  'shift_already_open',
  // idempotency
  'command_conflict',
  'idempotency_key_reused',
  // sync
  'chain_conflict',
  'seq_gap',
  'till_fenced',
  'enrollment_code_invalid',
  // payments
  'payment_transition_refused',
  'payment_already_used',
  'payment_failed',
  'mpesa_unavailable',
  // transport
  'rate_limited',
  'payload_too_large',
  'offline',
  'internal',
] as const;
export type ErrorCode = (typeof error_codes)[number];

/** `{code, message, field?}` plus any details (issues, expected_seq, epoch, …), kept as they are. */
export const errorBodySchema = z.looseObject({
  code: z.string().min(1).max(64),
  message: z.string().max(2_000),
  field: z.string().max(500).optional(),
});
export type ErrorBodyShape = z.infer<typeof errorBodySchema>;

/** The schema-facing names of `validationError` / `parseOrThrow` (one implementation, in ../errors.ts). */
export { validationError as schemaError, parseOrThrow as parseInput } from '../errors.js';
