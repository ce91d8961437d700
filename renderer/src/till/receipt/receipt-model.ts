/**
 * What a receipt says (UX 4, DESIGN §3), built once from the recorded sale: shop, KRA PIN, till,
 * receipt number, cashier and time; the lines; the VAT per rate; rounding; each tender with
 * what was tendered, and the change; the M-Pesa receipt number or "to follow"; on credit the
 * customer and their new balance; COPY on a reprint. `receiptRows` lays it out as the rows both
 * the screen and the ESC/POS bytes print (escpos.ts), so they can never carry different fields.
 * Room is left for eTIMS (the control unit's invoice number and QR code) in `etims`.
 */
import { formatKes, formatQuantity, vat_rate_bp, type SaleRecord, type VatClass } from '@payme/shared';
import type { TillProfile } from '../app-context.js';
import type { Messages } from '../i18n/i18n.js';

export interface ReceiptTender {
  kind: 'cash' | 'mpesa' | 'credit';
  amount: string;
  /** Cash handed over, when more than the amount (the change is the difference). */
  tendered: string | undefined;
  mpesa_receipt: string | undefined;
  /** An STK payment whose M-Pesa receipt number has not come yet (DESIGN §7). */
  mpesa_to_follow: boolean;
  /** The TransID the cashier typed for an offline M-Pesa payment. */
  claim_code: string | undefined;
}

export interface ReceiptVatRow {
  vat_class: VatClass;
  rate_bp: number;
  /** The gross amount sold at this rate. */
  gross: string;
  vat: string;
}

export interface ReceiptModel {
  shop_name: string;
  kra_pin: string | undefined;
  address: string | undefined;
  header: string | undefined;
  footer: string | undefined;
  till_label: string;
  receipt_no: string;
  cashier: string;
  time: string;
  /** A reprint: marked COPY, no change to hand over, the drawer stays shut. */
  copy: boolean;
  lines: { name: string; detail: string; amount: string }[];
  subtotal: string;
  discount: string | undefined;
  vat: ReceiptVatRow[];
  vat_total: string;
  rounding: string | undefined;
  total: string;
  tenders: ReceiptTender[];
  change: string | undefined;
  /** A credit sale: who owes it, and what they owe now. */
  customer: { name: string; balance: string | undefined } | undefined;
  /** eTIMS (KRA's electronic tax invoice): filled in once the till talks to a control unit. */
  etims: { cu_invoice_no: string; qr_url: string } | undefined;
  status: SaleRecord['status'];
  /** Cash changed hands on a new sale: the drawer should open. */
  opens_drawer: boolean;
}

/** Shop time for people: `26/11/2026 14:05` in the business's zone (Africa/Nairobi). */
export function receiptTime(iso: string, timeZone = 'Africa/Nairobi'): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })
    .format(new Date(iso))
    .replace(',', '');
}

export interface ReceiptExtras {
  copy?: boolean;
  customer?: { name: string; balance: number | undefined } | undefined;
}

function vatRows(sale: SaleRecord['sale']): ReceiptVatRow[] {
  const byClass = new Map<VatClass, { gross: number; vat: number }>();
  for (const line of sale.lines) {
    const sum = byClass.get(line.vat_class) ?? { gross: 0, vat: 0 };
    byClass.set(line.vat_class, { gross: sum.gross + line.gross, vat: sum.vat + line.vat });
  }
  return [...byClass].map(([vat_class, sum]) => ({ vat_class, rate_bp: vat_rate_bp[vat_class], gross: formatKes(sum.gross), vat: formatKes(sum.vat) }));
}

export function buildReceipt(record: SaleRecord, profile: TillProfile, extras: ReceiptExtras = {}): ReceiptModel {
  const { sale } = record;
  const copy = extras.copy ?? false;
  const cashier = profile.staff.find((person) => person.staff_id === record.cashier_id)?.name ?? '—';
  const change = sale.tenders.reduce((sum, tender) => sum + (tender.change ?? 0), 0);
  const onCredit = sale.tenders.some((tender) => tender.kind === 'credit');
  return {
    shop_name: profile.shop_name,
    kra_pin: profile.kra_pin,
    address: profile.business_address,
    header: profile.receipt_header,
    footer: profile.receipt_footer,
    till_label: profile.till_label,
    receipt_no: sale.receipt_no,
    cashier,
    time: receiptTime(record.occurred_at),
    copy,
    lines: sale.lines.map((line) => ({
      name: line.name,
      detail: `${formatQuantity(line.quantity, line.unit)} × ${formatKes(line.unit_price)}${line.discount > 0 ? ` −${formatKes(line.discount)}` : ''}`,
      amount: formatKes(line.gross),
    })),
    subtotal: formatKes(sale.subtotal),
    discount: sale.discount > 0 ? formatKes(sale.discount) : undefined,
    vat: profile.vat_registered === false ? [] : vatRows(sale),
    vat_total: formatKes(sale.vat_total),
    rounding: sale.rounding !== 0 ? formatKes(sale.rounding) : undefined,
    total: formatKes(sale.total),
    tenders: sale.tenders.map((tender) => ({
      kind: tender.kind,
      amount: formatKes(tender.amount),
      tendered: tender.tendered !== undefined && tender.tendered !== tender.amount ? formatKes(tender.tendered) : undefined,
      mpesa_receipt: tender.mpesa_receipt,
      mpesa_to_follow: tender.kind === 'mpesa' && tender.mpesa_receipt === undefined && tender.claim_code === undefined,
      claim_code: tender.claim_code,
    })),
    change: change > 0 ? formatKes(change) : undefined,
    customer: onCredit && extras.customer !== undefined
      ? { name: extras.customer.name, balance: extras.customer.balance !== undefined ? formatKes(extras.customer.balance) : undefined }
      : undefined,
    etims: undefined,
    status: record.status,
    opens_drawer: !copy && sale.tenders.some((tender) => tender.kind === 'cash'),
  };
}

/** One printed row: centred text, a left/right pair, plain text, or a rule. */
export type ReceiptRow =
  | { kind: 'center'; text: string; bold?: boolean }
  | { kind: 'pair'; left: string; right: string; bold?: boolean }
  | { kind: 'text'; text: string }
  | { kind: 'rule' };

function vatLabel(row: ReceiptVatRow, t: Messages): string {
  if (row.vat_class === 'exempt') return t.receipt_vat_exempt(row.gross);
  return t.receipt_vat_rate(`${row.rate_bp / 100} %`, row.gross);
}

function tenderRows(tender: ReceiptTender, t: Messages): ReceiptRow[] {
  const rows: ReceiptRow[] = [{ kind: 'pair', left: tender.tendered !== undefined ? t.receipt_cash_given : t.tender_kind[tender.kind], right: tender.tendered ?? tender.amount }];
  if (tender.mpesa_receipt !== undefined) rows.push({ kind: 'text', text: `  ${t.mpesa_receipt_no}: ${tender.mpesa_receipt}` });
  if (tender.claim_code !== undefined) rows.push({ kind: 'text', text: `  ${t.mpesa_receipt_no}: ${tender.claim_code}` });
  if (tender.mpesa_to_follow) rows.push({ kind: 'text', text: `  ${t.mpesa_receipt_no}: ${t.receipt_to_follow}` });
  return rows;
}

/** The receipt as printed rows, top to bottom, in the cashier's language. */
export function receiptRows(receipt: ReceiptModel, t: Messages): ReceiptRow[] {
  const rows: ReceiptRow[] = [];
  if (receipt.copy) rows.push({ kind: 'center', text: t.receipt_copy, bold: true });
  rows.push({ kind: 'center', text: receipt.shop_name, bold: true });
  if (receipt.address !== undefined) rows.push({ kind: 'center', text: receipt.address });
  if (receipt.kra_pin !== undefined) rows.push({ kind: 'center', text: `KRA PIN ${receipt.kra_pin}` });
  if (receipt.header !== undefined) rows.push({ kind: 'center', text: receipt.header });
  rows.push({ kind: 'center', text: `${receipt.till_label} · ${t.receipt_no} ${receipt.receipt_no}` });
  rows.push({ kind: 'center', text: `${t.cashier}: ${receipt.cashier} · ${receipt.time}` });
  if (receipt.status !== 'completed') rows.push({ kind: 'center', text: t.sale_status[receipt.status], bold: true });
  rows.push({ kind: 'rule' });
  for (const line of receipt.lines) rows.push({ kind: 'text', text: line.name }, { kind: 'pair', left: `  ${line.detail}`, right: line.amount });
  rows.push({ kind: 'rule' });
  if (receipt.discount !== undefined || receipt.rounding !== undefined) rows.push({ kind: 'pair', left: t.subtotal, right: receipt.subtotal });
  if (receipt.discount !== undefined) rows.push({ kind: 'pair', left: t.discount, right: `−${receipt.discount}` });
  if (receipt.rounding !== undefined) rows.push({ kind: 'pair', left: t.rounding, right: receipt.rounding });
  rows.push({ kind: 'pair', left: t.total, right: receipt.total, bold: true });
  for (const vat of receipt.vat) rows.push({ kind: 'pair', left: vatLabel(vat, t), right: vat.vat });
  if (receipt.vat.length > 1) rows.push({ kind: 'pair', left: t.vat_included, right: receipt.vat_total });
  rows.push({ kind: 'rule' });
  for (const tender of receipt.tenders) rows.push(...tenderRows(tender, t));
  if (receipt.change !== undefined) rows.push({ kind: 'pair', left: t.change, right: receipt.change, bold: true });
  if (receipt.customer !== undefined) {
    rows.push({ kind: 'pair', left: t.customer, right: receipt.customer.name });
    if (receipt.customer.balance !== undefined) rows.push({ kind: 'pair', left: t.credit_new_balance, right: receipt.customer.balance });
  }
  if (receipt.etims !== undefined) rows.push({ kind: 'center', text: `CU ${receipt.etims.cu_invoice_no}` }, { kind: 'center', text: receipt.etims.qr_url });
  rows.push({ kind: 'center', text: receipt.footer ?? t.receipt_thanks });
  if (receipt.copy) rows.push({ kind: 'center', text: t.receipt_copy, bold: true });
  return rows;
}

/** Every text a receipt prints, for the check that the screen and the ESC/POS bytes agree. */
export function receiptTexts(rows: readonly ReceiptRow[]): string[] {
  return rows.flatMap((row) => (row.kind === 'rule' ? [] : row.kind === 'pair' ? [row.left.trim(), row.right] : [row.text.trim()]));
}
