/**
 * The stable machine codes of DESIGN §6's error shape `{code, message, field?}`: every code PayMe
 * answers or throws, in one table: `ErrorCode` is built from it, `PaymeError`
 * takes only these, and the cashier's screens have words for each in English and Swahili
 * (renderer/src/till/i18n, checked by renderer/test/error-words.test.ts against the codes the
 * sources throw). A new code is added here, with its words, in the same change.
 */
export const error_codes = [
  // input
  'invalid_input',
  'invalid_amount',
  'invalid_quantity',
  'invalid_discount',
  'invalid_json',
  'not_json',
  'not_found',
  'unknown_method',
  'unsupported_media_type',
  'payload_too_large',
  'body_too_large',
  'bad_request',
  'bad_url',
  'url_too_long',
  // who may do it
  'unauthorized',
  'unauthenticated',
  'invalid_credentials',
  'invalid_token',
  'session_expired',
  'csrf_failed',
  'business_required',
  'forbidden',
  'forbidden_host',
  'forbidden_origin',
  'approval_required',
  'pin_invalid',
  'pin_locked',
  'last_owner',
  // business rules
  'stock_insufficient',
  'credit_limit_exceeded',
  'customer_inactive',
  'sale_not_refundable',
  'sale_voided',
  'shift_not_open',
  'shift_already_open',
  'already_exists',
  'barcode_taken',
  'sku_taken',
  'email_taken',
  'already_resolved',
  'already_acknowledged',
  'already_retired',
  'resolution_not_allowed',
  'amount_unknown',
  'conflict',
  // idempotency
  'command_conflict',
  'idempotency_key_required',
  'idempotency_key_reused',
  'idempotency_key_mismatch',
  'idempotency_key_in_progress',
  // enrollment
  'enrollment_code_invalid',
  'enrollment_code_expired',
  'enrollment_code_used',
  'enrollment_code_revoked',
  'enrollment_failed',
  'enrollment_refused',
  'enrollment_needed',
  'already_enrolled',
  'till_not_enrolled',
  'till_retired',
  // sync
  'chain_conflict',
  'seq_gap',
  'till_fenced',
  'not_fenced',
  'recovery_failed',
  'push_refused',
  'feed_refused',
  'server_busy',
  'feed_busy',
  'push_busy',
  'server_answer_invalid',
  'sync_not_running',
  // what the server's signed audit checkpoints told a till (DESIGN §5 Pull)
  'checkpoint_invalid',
  'server_history_changed',
  // why the server quarantined a till's event (push results, DESIGN §5)
  'wrong_till',
  'wrong_business',
  'unstorable_text',
  'payment_reused',
  // payments
  'payment_transition_refused',
  'payment_already_used',
  'payment_failed',
  'payment_pending',
  'payment_not_reversible',
  'reversal_exists',
  'receipt_pending',
  'mpesa_unavailable',
  'mpesa_not_configured',
  'mpesa_initiator_missing',
  'daraja_unavailable',
  'daraja_rejected',
  'daraja_auth_failed',
  'daraja_bad_response',
  'credential_unreadable',
  'credential_key_unknown',
  'master_key_invalid',
  // transport and the program itself
  'rate_limited',
  'hasher_busy',
  'login_throttled',
  'offline',
  'printer_unavailable',
  'not_available',
  'not_ready',
  'internal',
] as const;
export type ErrorCode = (typeof error_codes)[number];

const error_code_set: ReadonlySet<string> = new Set(error_codes);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && error_code_set.has(value);
}
