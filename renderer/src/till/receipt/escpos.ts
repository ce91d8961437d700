/**
 * ESC/POS bytes for 58/80 mm thermal printers, with the cash-drawer kick (ESC p) when cash
 * changed hands, through @point-of-sale/receipt-printer-encoder rather than hand-made bytes.
 */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { ReceiptModel } from './receipt-model.js';
import type { Messages } from '../i18n/i18n.js';

export interface EscPosOptions {
  /** 32 columns on 58 mm paper, 48 on 80 mm. */
  columns: 32 | 42 | 48;
  open_drawer: boolean;
}

/** The encoder speaks cp437-ish code pages: keep receipts to plain ASCII so every printer agrees. */
function ascii(text: string): string {
  return text.replace(/[−–]/g, '-').replace(/[×]/g, 'x').replace(/[’]/g, "'").replace(/[^\x20-\x7e]/g, '?');
}

function pair(left: string, right: string, columns: number): string {
  const space = Math.max(1, columns - left.length - right.length);
  return ascii(left.slice(0, Math.max(0, columns - right.length - 1)) + ' '.repeat(space) + right);
}

export function encodeReceipt(receipt: ReceiptModel, t: Messages, options: EscPosOptions): Uint8Array {
  const { columns } = options;
  const encoder = new ReceiptPrinterEncoder({ language: 'esc-pos', columns });
  let out = encoder.initialize().align('center').bold(true).line(ascii(receipt.shop_name)).bold(false);
  if (receipt.kra_pin !== undefined) out = out.line(ascii(`KRA PIN ${receipt.kra_pin}`));
  out = out
    .line(ascii(`${receipt.till_label} · ${receipt.receipt_no}`))
    .line(ascii(`${receipt.cashier} · ${receipt.time}`))
    .align('left')
    .rule();
  for (const line of receipt.lines) {
    out = out.line(ascii(line.name)).line(pair(`  ${line.detail}`, line.amount, columns));
  }
  out = out.rule();
  if (receipt.discount !== undefined) out = out.line(pair(t.discount, `-${receipt.discount}`, columns));
  if (receipt.rounding !== undefined) out = out.line(pair(t.rounding, receipt.rounding, columns));
  out = out.bold(true).line(pair(t.total, receipt.total, columns)).bold(false).line(pair(t.vat_included, receipt.vat_total, columns));
  for (const tender of receipt.tenders) {
    out = out.line(pair(t.tender_kind[tender.kind], tender.amount, columns));
    if (tender.note !== undefined && tender.kind === 'mpesa') out = out.line(ascii(`  ${t.mpesa_receipt_no}: ${tender.note}`));
  }
  if (receipt.change !== undefined) out = out.line(pair(t.change, receipt.change, columns));
  if (receipt.credit_balance !== undefined) out = out.line(pair(t.credit_new_balance, receipt.credit_balance, columns));
  out = out.newline().align('center').line(ascii(t.receipt_thanks)).newline().newline().cut();
  if (options.open_drawer) out = out.pulse();
  return out.encode();
}
