/**
 * Kenyan phone numbers as people read them (issue 17): Daraja's 2547XXXXXXXX / 2541XXXXXXXX
 * is shown as 0722 111 222. What is not a Kenyan mobile number is shown as it was given.
 */

/** The nine digits after 0 / 254 of a Kenyan mobile number, however it was written; else undefined. */
function localDigits(text: string): string | undefined {
  const digits = text.replace(/[\s-]/g, '').replace(/^\+/, '');
  return /^254([17]\d{8})$/.exec(digits)?.[1] ?? /^0([17]\d{8})$/.exec(digits)?.[1];
}

export function formatPhoneKe(msisdn: string): string {
  const local = localDigits(msisdn);
  if (local === undefined) return msisdn;
  return `0${local.slice(0, 3)} ${local.slice(3, 6)} ${local.slice(6)}`;
}

/**
 * What a person types (`0722 111 222`, `+254 722 111 222`, `254722111222`) as Daraja's
 * 2547XXXXXXXX; anything else is returned as typed, for the schema to refuse by its field.
 */
export function parsePhoneKe(typed: string): string {
  const local = localDigits(typed);
  return local === undefined ? typed.trim() : `254${local}`;
}
