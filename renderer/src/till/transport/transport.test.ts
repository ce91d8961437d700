// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { createHttpTransport } from './transport.http.js';
import { createIpcPrintHooks, createIpcTransport } from './transport.ipc.js';
import type { TillBridge } from '@payme/shared';
import { createTillClient } from './till-client.js';
import { pickTransport } from './pick-transport.js';
import { TillCallError } from './transport.js';

const product = {
  product_id: '0190a000-0000-7000-8000-000000000101', name: 'Soap', barcode: '6001087011111', unit: 'piece',
  unit_price: 5_500, vat_class: 'standard', stock_policy: 'block', on_hand: 3,
};

function response(status: number, body: unknown) {
  return { ok: status >= 200 && status < 300, status, json: async () => body };
}

describe('the HTTP transport', () => {
  it('POSTs the input as JSON to /rpc/<method> and returns the answer', async () => {
    const fetch = vi.fn(async () => response(200, { product }));
    const till = createTillClient(createHttpTransport({ baseUrl: 'http://127.0.0.1:4100/', fetch }));
    await expect(till.lookupBarcode({ barcode: '6001087011111' })).resolves.toEqual({ product });
    expect(fetch).toHaveBeenCalledWith('http://127.0.0.1:4100/rpc/lookupBarcode', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"barcode":"6001087011111"}',
    });
  });

  it('an error body becomes a typed error with the field named', async () => {
    const fetch = vi.fn(async () => response(409, { code: 'stock_insufficient', message: 'lines.0.quantity: only 3 left', field: 'lines.0.quantity', on_hand: 3 }));
    const error = await createHttpTransport({ fetch }).call('lookupBarcode', { barcode: 'x1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TillCallError);
    expect(error).toMatchObject({ code: 'stock_insufficient', field: 'lines.0.quantity', message: 'lines.0.quantity: only 3 left', details: { on_hand: 3 } });
  });

  it('a host that is down, or answers garbage, still gives words', async () => {
    const down = createHttpTransport({ fetch: async () => { throw new TypeError('Failed to fetch'); } });
    await expect(down.call('lock', {})).rejects.toMatchObject({ code: 'offline' });
    const garbage = createHttpTransport({ fetch: async () => ({ ok: false, status: 502, json: async () => { throw new SyntaxError('bad json'); } }) });
    await expect(garbage.call('lock', {})).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('HTTP 502') });
  });
});

/** A preload stand-in: `call` as given, prints answering null. */
function bridgeWith(call: TillBridge['call'], print: Partial<TillBridge> = {}): TillBridge {
  return { call, printReceipt: async () => null, printEscPos: async () => null, ...print };
}

describe('the IPC transport', () => {
  it('calls window.payme.call and unwraps both error shapes main may use', async () => {
    const bridge = bridgeWith(vi.fn(async (method: string) => (method === 'lock' ? { locked: true } : { error: { code: 'pin_invalid', message: 'pin: wrong PIN', field: 'pin' } })));
    const transport = createIpcTransport(bridge);
    await expect(transport.call('lock', {})).resolves.toEqual({ locked: true });
    await expect(transport.call('login', { staff_id: product.product_id, pin: '1111' })).rejects.toMatchObject({ code: 'pin_invalid', field: 'pin' });
    const rejecting = createIpcTransport(bridgeWith(async () => Promise.reject({ code: 'offline', message: 'gone' })));
    await expect(rejecting.call('lock', {})).rejects.toMatchObject({ code: 'offline', message: 'gone' });
  });

  it('prints through the preload: ESC/POS bytes as sent, and a printer that failed as the error the screen shows', async () => {
    const sent: Uint8Array[] = [];
    const hooks = createIpcPrintHooks(bridgeWith(async () => null, {
      printEscPos: async (bytes) => (sent.push(bytes), null),
      printReceipt: async () => ({ error: { code: 'printer_unavailable', message: 'The receipt was not printed: out of paper' } }),
    }));
    await hooks.printEscPos!(new Uint8Array([0x1b, 0x40]));
    expect(sent).toEqual([new Uint8Array([0x1b, 0x40])]);
    await expect(hooks.printReceipt()).rejects.toMatchObject({ code: 'printer_unavailable', message: 'The receipt was not printed: out of paper' });
  });

  it('the app picks IPC when the preload exposed window.payme, HTTP otherwise', () => {
    expect(pickTransport({ payme: bridgeWith(async () => ({})) }).kind).toBe('ipc');
    expect(pickTransport({}).kind).toBe('http');
  });
});

describe('the till client', () => {
  it('refuses an answer that breaks the shared output schema instead of showing it', async () => {
    const till = createTillClient({ call: async () => ({ product: { ...product, unit_price: 55.5 } }) as never });
    await expect(till.lookupBarcode({ barcode: '6001087011111' })).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('product.unit_price') });
  });
});
