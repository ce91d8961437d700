/** The tenders being gathered for one sale, and what is left to pay. Pure, so it is tested. */
import type { GatheredTender, TenderInput } from '../../state/cart-state.js';

export type { GatheredTender, TenderInput };

export function tenderedSum(tenders: readonly GatheredTender[]): number {
  return tenders.reduce((sum, { tender }) => sum + tender.amount, 0);
}

export function remainingToPay(total: number, tenders: readonly GatheredTender[]): number {
  return total - tenderedSum(tenders);
}

/** Cash handed over for what is left: pays up to the remainder, the rest is change. */
export function cashTender(remaining: number, tendered: number): { tender: TenderInput; change: number } {
  const amount = Math.min(tendered, remaining);
  return { tender: { kind: 'cash', amount, tendered }, change: tendered - amount };
}

/** Accepts 0712345678, +254712345678, 254712345678 and 712345678; gives Daraja's 2547XXXXXXXX. */
export function normalisePhone(text: string): string {
  const digits = text.replace(/[\s-]/g, '').replace(/^\+/, '');
  if (/^0[17]\d{8}$/.test(digits)) return `254${digits.slice(1)}`;
  if (/^[17]\d{8}$/.test(digits)) return `254${digits}`;
  return digits;
}
