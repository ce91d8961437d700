/**
 * Limits of DESIGN §3 and the sync protocol, as named constants with their unit last.
 * Every boundary refuses a value above its limit and names the field.
 */

/** Cents in one Kenyan shilling. */
export const cents_per_shilling = 100;

/** A unit price may not exceed KES 1,000,000. */
export const unit_price_cents_max = 1_000_000 * cents_per_shilling;

/** A line may not exceed 10,000 pieces, or 10,000 kg / litres (in grams / millilitres). */
export const line_quantity_pieces_max = 10_000;
export const line_quantity_milli_max = 10_000 * 1_000;

/** At most 500 lines in one sale. */
export const sale_lines_max = 500;

/** A sale's total may not exceed KES 10,000,000. */
export const sale_total_cents_max = 10_000_000 * cents_per_shilling;

/** Tender and payment amounts share the sale's ceiling. */
export const tender_amount_cents_max = sale_total_cents_max;

/** At most 10 tenders on one sale (split payments). */
export const sale_tenders_max = 10;

/** Names (products, customers, staff, stores) are at most 120 characters. */
export const name_chars_max = 120;

/** Free-text reasons (adjustments, voids, write-offs) are at most 500 characters. */
export const reason_chars_max = 500;

/** SKUs and barcodes are short identifiers. */
export const sku_chars_max = 64;
export const barcode_chars_max = 64;

/** M-Pesa moves whole shillings, from KES 1 to KES 250,000 per transaction. */
export const mpesa_amount_shillings_min = 1;
export const mpesa_amount_shillings_max = 250_000;

/** Percentage discounts are expressed in basis points: 10,000 bp = 100 %. */
export const discount_bp_max = 10_000;

/** Signed amounts (adjustments, variances) are bounded by the sale ceiling both ways. */
export const signed_amount_cents_max = sale_total_cents_max;

/** Signed stock deltas are bounded by ten times the line ceiling. */
export const stock_delta_max = line_quantity_milli_max * 10;

/** Sync push: at most 500 events and 1 MiB per request. */
export const push_batch_events_max = 500;

/** A till's epoch: a small counter bumped by each recovery; the server keeps it in a 32-bit `int`. */
export const epoch_max = 2_147_483_647;
export const push_body_bytes_max = 1024 * 1024;

/** Long-poll waits are at most 30 seconds. */
export const long_poll_wait_seconds_max = 30;

/** A PIN is 4 to 6 digits; 5 wrong tries lock that user for 5 minutes. */
export const pin_digits_min = 4;
export const pin_digits_max = 6;
export const pin_failures_max = 5;
export const pin_lockout_ms = 5 * 60 * 1000;

/** Phone numbers in E.164 without the plus: 2547XXXXXXXX / 2541XXXXXXXX. */
export const phone_chars_max = 15;

/** Owner and manager sign-in: an email address and a password (DESIGN §6). */
export const email_chars_max = 254;
export const password_chars_min = 10;
export const password_chars_max = 200;
