/**
 * The HTTP status the browser host answers an error body with. The body's `code` is what the
 * screens switch on; the status only has to be honest for tools and logs.
 */
const status_by_code: Readonly<Record<string, number>> = {
  invalid_input: 400,
  invalid_amount: 400,
  invalid_quantity: 400,
  invalid_discount: 400,
  unauthorized: 401,
  forbidden: 403,
  approval_required: 403,
  pin_invalid: 403,
  pin_locked: 403,
  not_found: 404,
  unknown_method: 404,
  command_conflict: 409,
  already_enrolled: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  not_available: 501,
  offline: 503,
};

/** Business-rule refusals (stock, credit, shift…) are 422: the request was understood and refused. */
export function httpStatusOf(code: string): number {
  return status_by_code[code] ?? 422;
}
