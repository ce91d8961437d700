/**
 * The records the sync server's feed carries, per change kind, as a till reads them (DESIGN §5
 * pull). The server owns these shapes and builds them (`feed_changes.data`); the till's ledger
 * parses each change with the schema of its kind before applying it. One set of names on both
 * sides: money is in cents and says so (`price_cents`, `credit_limit_cents`, `balance_cents`),
 * as everywhere on the server. A payment's `amount` is the exception: it is the till API's
 * `PaymentRecord`, which the till shows as it comes.
 *
 * Extra fields are allowed (loose objects), so the server can add some without breaking older
 * tills. Kinds missing here (`store`, `till`) are the server's own; a till keeps nothing of them.
 */
import { z } from 'zod';
import { payment_states } from '../payment-state.js';
import { barcode, mpesaReceipt, name, phone, quantityUnit, role, saleTotal, signedCents, sku, stockLevel, stockPolicy, unitPrice, uuid, vatClass } from './common.js';

export const feed_records = {
  product: z.looseObject({
    name,
    sku: sku.nullish(),
    barcode: barcode.nullish(),
    unit: quantityUnit,
    price_cents: unitPrice,
    vat_class: vatClass,
    stock_policy: stockPolicy,
    active: z.boolean().default(true),
  }),
  price: z.looseObject({ price_cents: unitPrice }),
  // No PIN hash (null): an owner who only signs in on the web. A till keeps them, unable to sign in.
  staff: z.looseObject({ name, role, pin_hash: z.string().min(1).max(300).nullable(), active: z.boolean().default(true) }),
  customer: z.looseObject({ name, phone: phone.nullish(), credit_limit_cents: saleTotal }),
  credit_balance: z.looseObject({ balance_cents: signedCents }),
  stock_level: z.looseObject({ on_hand: stockLevel }),
  payment: z.looseObject({
    state: z.enum(payment_states),
    amount: saleTotal,
    phone: phone.nullish(),
    mpesa_receipt: mpesaReceipt.nullish(),
    sale_id: uuid.nullish(),
    result_code: z.number().int().nullish(),
    cashier_message: z.string().max(500).nullish(),
    updated_at: z.string().max(40).optional(),
  }),
  setting: z.looseObject({ value: z.unknown() }),
  till_state: z.looseObject({ receipt_counter: z.number().int().min(0).optional() }),
} as const;

export type FeedRecordKind = keyof typeof feed_records;
export type FeedRecord<K extends FeedRecordKind> = z.output<(typeof feed_records)[K]>;

/** Whether a till keeps anything of changes of `kind`. */
export function isFeedRecordKind(kind: string): kind is FeedRecordKind {
  return Object.hasOwn(feed_records, kind);
}
