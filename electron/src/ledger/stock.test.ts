import { afterEach, describe, expect, it } from 'vitest';
import { PaymeError } from '@payme/shared';
import { cashSale, createTestTill, ids, pins, type TestTill } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

const onHand = (product_id: string) => till.ledger.stockOnHand({ product_ids: [product_id] }).levels[0]!.on_hand;

describe('stock', () => {
  it('receives stock per line and reports the new levels', () => {
    till = createTestTill();
    const result = till.ledger.receiveStock(ids.cashier, {
      command_id: till.id(),
      receipt_id: till.id(),
      supplier: 'Bidco',
      lines: [
        { product_id: ids.soap, quantity: 24, unit_cost: 7_000 },
        { product_id: ids.oil, quantity: 20_000 },
      ],
    });
    expect(result.lines).toEqual([
      { product_id: ids.soap, on_hand: 44 },
      { product_id: ids.oil, on_hand: 30_000 },
    ]);
  });

  it('adjusts with a manager and a reason', () => {
    till = createTestTill();
    const input = { command_id: till.id(), product_id: ids.soap, delta: -3, reason: 'Water damage', reason_code: 'damaged' };
    expect(() => till.ledger.adjustStock(ids.cashier, input)).toThrow(/manager/);
    expect(till.ledger.adjustStock(ids.cashier, { ...input, approval: { manager_id: ids.manager, pin: pins.manager } }).on_hand).toBe(17);
    const event = till.ledger.pendingEvents(50).at(-1)!;
    expect(event.approver_id).toBe(ids.manager);
  });

  it('applies a count as counted − expected, so a sale during the count is kept', () => {
    till = createTestTill();
    const expected = onHand(ids.soap); // 20 on screen when counting starts
    cashSale(till, [{ product_id: ids.soap, quantity: 2 }]); // sold while counting
    const result = till.ledger.countStock(ids.cashier, { command_id: till.id(), count_id: till.id(), lines: [{ product_id: ids.soap, expected, counted: 19 }] });
    expect(result.lines).toEqual([{ product_id: ids.soap, on_hand: 17, delta: -1 }]);
    expect(() =>
      till.ledger.countStock(ids.cashier, {
        command_id: till.id(),
        count_id: till.id(),
        lines: [
          { product_id: ids.soap, expected: 1, counted: 1 },
          { product_id: ids.soap, expected: 1, counted: 2 },
        ],
      }),
    ).toThrow(PaymeError);
  });

  it('lists every active product with its level', () => {
    till = createTestTill();
    expect(till.ledger.stockOnHand({}).levels.map((level) => level.name)).toEqual(['Cooking oil loose', 'Geisha soap 225g', 'Sugar loose', 'Supaloaf bread 400g']);
    expect(() => till.ledger.stockOnHand({ product_ids: [till.id()] })).toThrow(/no product/);
  });
});
