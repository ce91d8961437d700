/**
 * ESC/POS bytes for 58/80 mm thermal printers, with the cash-drawer kick (ESC p) when cash
 * changed hands, through @point-of-sale/receipt-printer-encoder rather than hand-made bytes.
 * The rows are receipt-model.ts's `receiptRows`, the same the screen shows.
 */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { receiptRows, type ReceiptModel } from './receipt-model.js';
import type { Messages } from '../i18n/i18n.js';

export interface EscPosOptions {
  /** 32 columns on 58 mm paper, 48 on 80 mm. */
  columns: 32 | 42 | 48;
  open_drawer: boolean;
}

/** The columns a paper width prints (80 mm when the till has no setting). */
export function paperColumns(paper_mm: 58 | 80 | undefined): 32 | 48 {
  return paper_mm === 58 ? 32 : 48;
}

/** The encoder speaks cp437-ish code pages: keep receipts to plain ASCII so every printer agrees. */
export function ascii(text: string): string {
  return text.replace(/[−–—]/g, '-').replace(/[×]/g, 'x').replace(/[’]/g, "'").replace(/·/g, '-').replace(/[^\x20-\x7e]/g, '?');
}

/** A left text and a right amount on one line: the left one is cut short, never the amount. */
export function pair(left: string, right: string, columns: number): string {
  const space = Math.max(1, columns - left.length - right.length);
  return ascii(left.slice(0, Math.max(0, columns - right.length - 1)) + ' '.repeat(space) + right);
}

export function encodeReceipt(receipt: ReceiptModel, t: Messages, options: EscPosOptions): Uint8Array {
  const { columns } = options;
  let out = new ReceiptPrinterEncoder({ language: 'esc-pos', columns }).initialize();
  for (const row of receiptRows(receipt, t)) {
    if (row.kind === 'rule') out = out.align('left').rule();
    else if (row.kind === 'center') out = out.align('center').bold(row.bold ?? false).line(ascii(row.text)).bold(false);
    else if (row.kind === 'text') out = out.align('left').line(ascii(row.text));
    else out = out.align('left').bold(row.bold ?? false).line(pair(row.left, row.right, columns)).bold(false);
  }
  out = out.newline().newline().cut();
  if (options.open_drawer) out = out.pulse();
  return out.encode();
}
