/**
 * What a receipt says (UX 4), built once from the recorded sale so the screen, the browser print
 * and the ESC/POS bytes never disagree: shop and KRA PIN, till and receipt number, cashier,
 * time, lines, VAT, rounding, tenders, change, M-Pesa receipt and, for credit, the new balance.
 */
import { formatKes, formatQuantity, type SaleRecord } from '@payme/shared';
import type { TillProfile } from '../app-context.js';

export interface ReceiptModel {
  shop_name: string;
  kra_pin: string | undefined;
  till_label: string;
  receipt_no: string;
  cashier: string;
  time: string;
  lines: { name: string; detail: string; amount: string }[];
  discount: string | undefined;
  vat_total: string;
  rounding: string | undefined;
  total: string;
  tenders: { kind: 'cash' | 'mpesa' | 'credit'; amount: string; note: string | undefined }[];
  change: string | undefined;
  credit_balance: string | undefined;
  status: SaleRecord['status'];
  /** Cash changed hands: the drawer should open. */
  opens_drawer: boolean;
}

/** Shop time for people: `26/11/2026 14:05` in the business's zone (Africa/Nairobi). */
export function receiptTime(iso: string, timeZone = 'Africa/Nairobi'): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })
    .format(new Date(iso))
    .replace(',', '');
}

export function buildReceipt(record: SaleRecord, profile: TillProfile, creditBalance: number | undefined): ReceiptModel {
  const { sale } = record;
  const cashier = profile.staff.find((person) => person.staff_id === record.cashier_id)?.name ?? '—';
  const change = sale.tenders.reduce((sum, tender) => sum + (tender.change ?? 0), 0);
  return {
    shop_name: profile.shop_name,
    kra_pin: profile.kra_pin,
    till_label: profile.till_label,
    receipt_no: sale.receipt_no,
    cashier,
    time: receiptTime(record.occurred_at),
    lines: sale.lines.map((line) => ({
      name: line.name,
      detail: `${formatQuantity(line.quantity, line.unit)} × ${formatKes(line.unit_price)}${line.discount > 0 ? ` −${formatKes(line.discount)}` : ''}`,
      amount: formatKes(line.gross),
    })),
    discount: sale.discount > 0 ? formatKes(sale.discount) : undefined,
    vat_total: formatKes(sale.vat_total),
    rounding: sale.rounding !== 0 ? formatKes(sale.rounding) : undefined,
    total: formatKes(sale.total),
    tenders: sale.tenders.map((tender) => ({
      kind: tender.kind,
      amount: formatKes(tender.amount),
      note: tender.mpesa_receipt ?? tender.claim_code ?? (tender.tendered !== undefined ? formatKes(tender.tendered) : undefined),
    })),
    change: change > 0 ? formatKes(change) : undefined,
    credit_balance: creditBalance !== undefined ? formatKes(creditBalance) : undefined,
    status: record.status,
    opens_drawer: sale.tenders.some((tender) => tender.kind === 'cash'),
  };
}
