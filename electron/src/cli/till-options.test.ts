import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMainOptions, receiptPrintOptions } from '../host/main-options.js';
import { parseTillCommand } from './till-options.js';

describe('payme-till serve options', () => {
  it('reads the contract flags, resolving the data folder', () => {
    expect(parseTillCommand(['serve', '--server', 'http://127.0.0.1:8787/', '--data', 'till', '--port', '0'], '/work')).toEqual({
      command: 'serve',
      server_url: 'http://127.0.0.1:8787',
      data_dir: path.resolve('/work/till'),
      port: 0,
      enroll_code: null,
      name: 'Till',
      renderer_dir: null,
      paper_mm: null,
      json: false,
    });
    expect(parseTillCommand(['serve', '--server', 'http://x', '--data', '/d', '--paper', '58'], '/')).toMatchObject({ paper_mm: 58 });
    expect(parseTillCommand(['serve', '--server', 'https://sync.example/base/', '--data', '/d', '--enroll-code', ' AB12-CD34 ', '--name', 'Back', '--json'], '/')).toMatchObject({
      server_url: 'https://sync.example/base',
      enroll_code: 'AB12-CD34',
      name: 'Back',
      json: true,
      port: 8790,
    });
    expect(parseTillCommand([], '/')).toEqual({ command: 'help' });
  });

  it('refuses what it cannot use, naming the flag', () => {
    const field = (argv: string[]) => {
      try {
        parseTillCommand(argv, '/');
      } catch (error) {
        return (error as { field?: string }).field;
      }
      return 'accepted';
    };
    expect(field(['serve', '--data', '/d'])).toBe('server');
    expect(field(['serve', '--server', 'ftp://x', '--data', '/d'])).toBe('server');
    expect(field(['serve', '--server', 'http://x'])).toBe('data');
    expect(field(['serve', '--server', 'http://x', '--data', '/d', '--port', '8o8o'])).toBe('port');
    expect(field(['serve', '--server', 'http://x', '--data', '/d', '--paper', '57'])).toBe('paper');
    expect(field(['serve', '--server', 'http://x', '--data', '/d', '--name', ' '])).toBe('name');
    expect(field(['launch'])).toBe('command');
  });
});

describe('Electron main options', () => {
  const defaults = { data_dir: '/home/c/.config/PayMe/till', renderer_dir: '/app/renderer' };

  it('ignores Electron\'s own arguments and takes ours, then the environment, then the defaults', () => {
    expect(parseMainOptions(['/usr/bin/electron', 'main.mjs', '--no-sandbox', '--data', '/srv/till', '--kiosk'], {}, defaults)).toEqual({
      data_dir: '/srv/till',
      kiosk: true,
      printer: null,
      escpos: null,
      renderer_dir: '/app/renderer',
      paper_mm: null,
    });
    // The receipt paper is a till setting in the desktop app as in `payme-till serve` (issue 17).
    expect(parseMainOptions(['electron', '.', '--paper', '58'], {}, defaults).paper_mm).toBe(58);
    expect(parseMainOptions(['electron', '.'], { PAYME_RECEIPT_PAPER: '80' }, defaults).paper_mm).toBe(80);
    expect(() => parseMainOptions(['electron', '.', '--paper', '57'], {}, defaults)).toThrow(/--paper must be 58 or 80/);
    expect(parseMainOptions(['electron', '.', '--escpos', 'tcp://192.168.1.50:9100'], {}, defaults).escpos).toEqual({ kind: 'tcp', host: '192.168.1.50', port: 9100 });
    expect(parseMainOptions(['electron', '.'], { PAYME_ESCPOS_PRINTER: '/dev/usb/lp0' }, defaults).escpos).toEqual({ kind: 'device', path: '/dev/usb/lp0' });
    expect(() => parseMainOptions(['electron', '.', '--escpos', 'http://printer'], {}, defaults)).toThrow(/--escpos: give tcp:\/\/HOST:PORT/);
    expect(parseMainOptions(['electron', '.'], { PAYME_TILL_KIOSK: '1', PAYME_RECEIPT_PRINTER: 'EPSON TM-T20', PAYME_TILL_DATA: '/d' }, defaults)).toMatchObject({ kiosk: true, printer: 'EPSON TM-T20', data_dir: '/d' });
    expect(parseMainOptions(['electron', '.'], {}, defaults)).toMatchObject({ kiosk: false, data_dir: defaults.data_dir });
  });

  it('prints receipts silently, to the named printer when there is one', () => {
    expect(receiptPrintOptions('EPSON TM-T20')).toEqual({ silent: true, printBackground: false, margins: { marginType: 'none' }, deviceName: 'EPSON TM-T20' });
    expect(receiptPrintOptions(null)).not.toHaveProperty('deviceName');
  });
});
