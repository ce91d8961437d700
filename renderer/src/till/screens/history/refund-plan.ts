/**
 * Which refund tenders a sale allows (UX 5, DESIGN §7): refund to the original tender; an M-Pesa
 * sale is refunded in cash, or — for the whole sale only — by a reversal request the server
 * carries out when online.
 */
import type { SaleRecord } from '@payme/shared';

export type RefundTender = 'cash' | 'credit' | 'mpesa_reversal';

export function refundTenders(record: SaleRecord, wholeSale: boolean): RefundTender[] {
  const kinds = new Set(record.sale.tenders.map((tender) => tender.kind));
  const options: RefundTender[] = [];
  if (kinds.has('credit')) options.push('credit');
  if (kinds.has('cash') || kinds.has('mpesa')) options.push('cash');
  if (kinds.has('mpesa') && wholeSale && record.refunded_total === 0) options.push('mpesa_reversal');
  return options;
}

export function isWholeSale(record: SaleRecord, quantities: ReadonlyMap<string, number>): boolean {
  return record.sale.lines.every((line) => quantities.get(line.line_id) === line.quantity);
}
