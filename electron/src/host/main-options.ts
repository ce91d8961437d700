/**
 * Electron main's options, from its command line and environment, parsed without Electron so
 * tests cover it: where the till's data lives, kiosk mode, the receipt printer, the built app.
 *   --data DIR (PAYME_TILL_DATA)   --kiosk (PAYME_TILL_KIOSK=1)
 *   --printer NAME (PAYME_RECEIPT_PRINTER)   --renderer DIR (PAYME_TILL_RENDERER)
 *   --escpos TARGET (PAYME_ESCPOS_PRINTER): the thermal printer for raw ESC/POS and the drawer
 *     kick, `tcp://HOST:PORT` or a device path (escpos-printer.ts); without it receipts print
 *     through the OS printer
 *   --paper 58|80 (PAYME_RECEIPT_PAPER): the receipt paper's width in mm, as `payme-till serve
 *     --paper` (issue 17: the paper is a till setting in the desktop app too)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseEscPosTarget, type EscPosTarget } from './escpos-printer.js';
import { parsePaper } from '../cli/till-options.js';

export interface MainOptions {
  data_dir: string;
  kiosk: boolean;
  /** The OS printer name for silent receipt printing; null prints to the default printer. */
  printer: string | null;
  /** The thermal printer raw ESC/POS goes to; null prints receipts through the OS printer. */
  escpos: EscPosTarget | null;
  renderer_dir: string;
  /** The receipt paper's width in mm; null: 80. */
  paper_mm: 58 | 80 | null;
}

export function parseMainOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  defaults: { data_dir: string; renderer_dir: string },
): MainOptions {
  // Electron's argv holds the executable, the app path and Chromium switches: keep ours only.
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    options: { data: { type: 'string' }, kiosk: { type: 'boolean' }, printer: { type: 'string' }, escpos: { type: 'string' }, renderer: { type: 'string' }, paper: { type: 'string' } },
  });
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const data = text(values.data) ?? text(env.PAYME_TILL_DATA) ?? defaults.data_dir;
  const renderer = text(values.renderer) ?? text(env.PAYME_TILL_RENDERER) ?? defaults.renderer_dir;
  const escpos = text(values.escpos) ?? text(env.PAYME_ESCPOS_PRINTER);
  return {
    data_dir: path.resolve(data),
    kiosk: values.kiosk === true || env.PAYME_TILL_KIOSK === '1',
    printer: text(values.printer) ?? text(env.PAYME_RECEIPT_PRINTER) ?? null,
    escpos: escpos === undefined ? null : parseEscPosTarget(escpos),
    renderer_dir: path.resolve(renderer),
    paper_mm: parsePaper(text(values.paper) ?? text(env.PAYME_RECEIPT_PAPER)),
  };
}

/** `webContents.print` options for a receipt: silent, to the receipt printer, no margins. */
export function receiptPrintOptions(printer: string | null): { silent: true; printBackground: false; deviceName?: string; margins: { marginType: 'none' } } {
  return { silent: true, printBackground: false, margins: { marginType: 'none' }, ...(printer === null ? {} : { deviceName: printer }) };
}
