/**
 * The records the sync server's feed carries, per change kind, as a till reads them (DESIGN §5
 * pull). The server owns these shapes and builds them (`feed_changes.data`); the till's ledger
 * parses each change with the schema of its kind before applying it. One set of names on both
 * sides: money is in cents and says so (`price_cents`, `credit_limit_cents`, `balance_cents`),
 * as everywhere on the server. A payment's `amount` is the exception: it is the till API's
 * `PaymentRecord`, which the till shows as it comes.
 *
 * Extra fields are allowed (loose objects), so the server can add some without breaking older
 * tills. Still, every field the server sends is declared here, the ones a till ignores too (they
 * are the owner view's, or the till's feed scoping reads them), so each has one name and one
 * type from the server's builder to every reader; e2e's wire-contract test fails on a field the
 * server sends that is not declared. Kinds missing here (`store`, `till`) are the server's own;
 * a till keeps nothing of them.
 */
import { z } from 'zod';
import { payment_states } from '../payment-state.js';
import { epoch_max } from '../limits.js';
import { barcode, boundedInt, hash, mpesaReceipt, name, phone, quantityUnit, role, saleTotal, signedCents, sku, stockLevel, stockPolicy, unitPrice, uuid, vatClass } from './common.js';

/** When the server last changed the record (ISO 8601); a till ignores it. */
const updatedAt = z.string().max(40);

export const feed_records = {
  product: z.looseObject({
    id: uuid.optional(),
    name,
    sku: sku.nullish(),
    barcode: barcode.nullish(),
    unit: quantityUnit,
    price_cents: unitPrice,
    vat_class: vatClass,
    stock_policy: stockPolicy,
    active: z.boolean().default(true),
    /** The owner's figures (gross profit, low stock); a till ignores them. */
    cost_cents: unitPrice.nullish(),
    reorder_level: stockLevel.nullish(),
    updated_at: updatedAt.optional(),
  }),
  price: z.looseObject({ price_cents: unitPrice }),
  // No PIN hash (null): an owner who only signs in on the web. A till keeps them, unable to sign in.
  // `email` is the owner view's sign-in name; a till ignores it.
  staff: z.looseObject({
    id: uuid.optional(),
    name,
    role,
    email: z.string().max(320).nullish(),
    pin_hash: z.string().min(1).max(300).nullable(),
    active: z.boolean().default(true),
    updated_at: updatedAt.optional(),
  }),
  // A customer the owner closed (`active: false`) takes no new credit on a till; payments of what
  // they still owe are taken as ever.
  customer: z.looseObject({ id: uuid.optional(), name, phone: phone.nullish(), credit_limit_cents: saleTotal, active: z.boolean().default(true), updated_at: updatedAt.optional() }),
  credit_balance: z.looseObject({ customer_id: uuid.optional(), balance_cents: signedCents }),
  // Keyed `<store_id>:<product_id>` on the feed; the till keeps its own store's, by product.
  stock_level: z.looseObject({ store_id: uuid.optional(), product_id: uuid.optional(), on_hand: stockLevel }),
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
  // Every till's place in its chain after a push (a till keeps its own receipt counter from it).
  till_state: z.looseObject({
    till_id: uuid.optional(),
    acked_seq: boundedInt(0, Number.MAX_SAFE_INTEGER).optional(),
    head_hash: hash.optional(),
    epoch: boundedInt(1, epoch_max).optional(),
    receipt_counter: z.number().int().min(0).optional(),
  }),
} as const;

export type FeedRecordKind = keyof typeof feed_records;
export type FeedRecord<K extends FeedRecordKind> = z.output<(typeof feed_records)[K]>;

/** Whether a till keeps anything of changes of `kind`. */
export function isFeedRecordKind(kind: string): kind is FeedRecordKind {
  return Object.hasOwn(feed_records, kind);
}
