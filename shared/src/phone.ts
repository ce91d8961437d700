/**
 * Kenyan phone numbers as people read them (issue 17): Daraja's 2547XXXXXXXX / 2541XXXXXXXX
 * is shown as 0722 111 222. What is not a Kenyan mobile number is shown as it was given.
 */
export function formatPhoneKe(msisdn: string): string {
  const digits = msisdn.replace(/[\s-]/g, '').replace(/^\+/, '');
  const local = /^254([17]\d{8})$/.exec(digits)?.[1] ?? /^0([17]\d{8})$/.exec(digits)?.[1];
  if (local === undefined) return msisdn;
  return `0${local.slice(0, 3)} ${local.slice(3, 6)} ${local.slice(6)}`;
}
