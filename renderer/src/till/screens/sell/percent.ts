/** Discounts are typed as a percentage (`5`, `12.5`) and carried in basis points. */
import { PaymeError, discount_bp_max } from '@payme/shared';

export function parsePercentBp(text: string, field: string): number {
  const match = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!match) throw new PaymeError('invalid_discount', `${field}: type a percentage like 5 or 12.5`, field);
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (bp > discount_bp_max) throw new PaymeError('invalid_discount', `${field}: may be at most 100 %`, field);
  return bp;
}

export function formatPercentBp(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const part = bp % 100;
  return part === 0 ? `${whole} %` : `${whole}.${String(part).padStart(2, '0').replace(/0$/, '')} %`;
}
