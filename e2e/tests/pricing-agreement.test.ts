/**
 * What the cashier sees is what the ledger records (DESIGN §3, issue 14): for random catalogs and
 * carts — pieces and weighed goods, every VAT class, price overrides, line and sale discounts —
 * the cart preview the pay screen shows (the renderer's `priceCartPreview`, fed the products as
 * the till API hands them to the screen) equals the ledger's `quoteSale` line by line and in
 * every total. Both call shared's `priceSale`; this proves the ledger's reading of its catalog
 * and the renderer's reading of the till API's answers put the same inputs into it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom, uuidv7, vat_classes } from '@payme/shared';
import { openLedger, type Ledger } from '@payme/till/ledger';
import { priceCartPreview } from '@payme/renderer/src/till/pricing/cart-pricing.js';
import { toCartProduct, type CartLine } from '@payme/renderer/src/till/state/cart-state.js';

const products_n = 6;
const clock = new ManualClock(Date.UTC(2026, 10, 26, 7, 0, 0));
const random = new SeededRandom(14);
const product_ids = Array.from({ length: products_n }, () => uuidv7(clock, random));
const barcode = (index: number) => String(6_001_400_000_000 + index);

let dir: string;
let ledger: Ledger;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'payme-pricing-'));
  ledger = openLedger({ path: path.join(dir, 'till.db'), clock, random, synchronous: 'OFF' });
  ledger.setIdentity({ till_id: uuidv7(clock, random), business_id: uuidv7(clock, random), store_id: uuidv7(clock, random), receipt_prefix: 'T1', epoch: 1, server_public_key: 'ab'.repeat(32) });
});

afterAll(() => {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

const catalogEntry = fc.record({
  unit: fc.constantFrom('piece' as const, 'gram' as const, 'millilitre' as const),
  price_cents: fc.integer({ min: 0, max: 500_000 }),
  vat_class: fc.constantFrom(...vat_classes),
});
const cartLine = fc.record({
  index: fc.integer({ min: 0, max: products_n - 1 }),
  amount: fc.integer({ min: 1, max: 5_000 }),
  override: fc.option(fc.integer({ min: 0, max: 500_000 }), { nil: undefined }),
  discount_bp: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
});

describe("the cashier's cart preview and the ledger's quote", () => {
  it('agree on every line and total for random catalogs and carts', () => {
    fc.assert(
      fc.property(fc.array(catalogEntry, { minLength: products_n, maxLength: products_n }), fc.array(cartLine, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 10_000 }), (catalog, cart, saleBp) => {
        // The catalog reaches the till as the server's feed does.
        const changes = catalog.map((entry, index) => ({
          cursor: String(index),
          kind: 'product',
          id: product_ids[index]!,
          data: { name: `Product ${index}`, barcode: barcode(index), unit: entry.unit, price_cents: entry.price_cents, vat_class: entry.vat_class, stock_policy: 'allow_with_override' },
        }));
        ledger.applyServerBatch({ changes, acked_seq: 0, cursor: 'pricing' });
        // Pieces up to 50, weighed goods up to 5 kg / 5 l.
        const lines = cart.map((line) => ({ ...line, quantity: catalog[line.index]!.unit === 'piece' ? 1 + (line.amount % 50) : line.amount }));

        const quote = ledger.quoteSale({
          lines: lines.map((line) => ({ product_id: product_ids[line.index]!, quantity: line.quantity, unit_price: line.override, discount_bp: line.discount_bp })),
          discount_bp: saleBp,
        });
        // The screen's side: each product as the till API answers a scan, into the cart.
        const shown: CartLine[] = lines.map((line) => {
          const { product } = ledger.lookupBarcode({ barcode: barcode(line.index) });
          if (product === null) throw new Error(`product ${line.index} is not on sale`);
          return { product: toCartProduct(product), quantity: line.quantity, unit_price: line.override, discount_bp: line.discount_bp };
        });
        const preview = priceCartPreview(shown, saleBp);

        expect(preview.lines.map((line) => [line.unit_price, line.discount, line.gross, line.vat, line.net])).toEqual(quote.lines.map((line) => [line.unit_price, line.discount, line.gross, line.vat, line.net]));
        expect([preview.subtotal, preview.discount, preview.vat_total, preview.rounding, preview.total]).toEqual([quote.subtotal, quote.discount, quote.vat_total, quote.rounding, quote.total]);
      }),
      { numRuns: 300 },
    );
  });
});
