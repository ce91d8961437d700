/**
 * Which refund tenders a sale allows (UX 5, DESIGN §7): refund to the original tender; an M-Pesa
 * sale is refunded in cash, or — for the whole sale only — by a reversal request the server
 * carries out when online.
 */
import { divideRounded, type SaleRecord } from '@payme/shared';

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

/** What a line has left to refund (its quantity less what earlier refunds took). */
export function refundableQuantity(record: SaleRecord, line_id: string): number {
  const line = record.sale.lines.find((candidate) => candidate.line_id === line_id);
  const refunded = record.refunded_lines?.find((done) => done.line_id === line_id)?.quantity ?? 0;
  return line === undefined ? 0 : line.quantity - refunded;
}

/**
 * The refund's total before it is asked for, by the ledger's rule (returns.ts): a line's last
 * units take what is left of its amount, others their share; the refund that empties the sale
 * also returns its rounding.
 */
export function refundPreview(record: SaleRecord, quantities: ReadonlyMap<string, number>): number {
  let total = 0;
  let emptiesSale = true;
  for (const line of record.sale.lines) {
    const done = record.refunded_lines?.find((refunded) => refunded.line_id === line.line_id);
    const left = line.quantity - (done?.quantity ?? 0);
    const wanted = Math.min(quantities.get(line.line_id) ?? 0, left);
    if (wanted < left) emptiesSale = false;
    if (wanted === 0) continue;
    total += wanted === left ? line.gross - (done?.amount ?? 0) : divideRounded(line.gross * wanted, line.quantity);
  }
  return emptiesSale ? Math.max(0, record.sale.total - record.refunded_total) : total;
}
