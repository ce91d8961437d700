/**
 * Builds what a till pushes: chained, hashed envelopes with payloads that satisfy the shared
 * schemas (sums, VAT split, rounding), so ingest tests speak the real protocol.
 */
import {
  ManualClock,
  SeededRandom,
  genesis_hash,
  isoAt,
  lineAmount,
  recordHash,
  roundToShilling,
  splitVat,
  uuidv7,
  type QuantityUnit,
  type VatClass,
} from '@payme/shared';

export interface BuilderProduct {
  id: string;
  price_cents: number;
  unit: string;
  vat_class: string;
  name: string;
}

export type Envelope = Record<string, unknown> & { seq: number; event_id: string; hash: string; prev_hash: string };

export class TillEvents {
  seq = 0;
  head = genesis_hash;
  readonly clock: ManualClock;
  readonly random: SeededRandom;
  receipt = 0;

  constructor(
    readonly till_id: string,
    readonly actor_id: string,
    seed = 1,
    readonly receipt_prefix = 'T1',
  ) {
    this.clock = new ManualClock(Date.UTC(2026, 10, 26, 8, 0, 0));
    this.random = new SeededRandom(seed);
  }

  id(): string {
    this.clock.advance(1);
    return uuidv7(this.clock, this.random);
  }

  /** The next envelope of this till's chain. */
  event(type: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}): Envelope {
    this.seq += 1;
    const body: Record<string, unknown> = {
      event_id: this.id(),
      till_id: this.till_id,
      seq: this.seq,
      type,
      v: 1,
      occurred_at: isoAt(this.clock.now()),
      actor_id: this.actor_id,
      payload,
      prev_hash: this.head,
      ...extra,
    };
    const hash = recordHash(body);
    this.head = hash;
    return { ...body, hash } as Envelope;
  }

  /** A sale payload: `lines` of [product, quantity]; tenders default to one cash tender. */
  salePayload(
    lines: ReadonlyArray<readonly [BuilderProduct, number]>,
    options: { tender?: 'cash' | 'credit'; customer_id?: string; sale_id?: string; unit_price?: number } = {},
  ): Record<string, unknown> {
    const built = lines.map(([product, quantity]) => {
      const unitPrice = options.unit_price ?? product.price_cents;
      const gross = lineAmount(unitPrice, quantity, product.unit as QuantityUnit);
      const { vat, net } = splitVat(gross, product.vat_class as VatClass);
      return {
        line_id: this.id(),
        product_id: product.id,
        name: product.name,
        unit: product.unit,
        quantity,
        unit_price: unitPrice,
        discount: 0,
        gross,
        vat_class: product.vat_class,
        vat,
        net,
      };
    });
    const subtotal = built.reduce((total, line) => total + line.gross, 0);
    const { payable, rounding } = roundToShilling(subtotal);
    this.receipt += 1;
    return {
      sale_id: options.sale_id ?? this.id(),
      receipt_no: `${this.receipt_prefix}-${String(this.receipt).padStart(6, '0')}`,
      ...(options.customer_id ? { customer_id: options.customer_id } : {}),
      lines: built,
      subtotal,
      discount: 0,
      vat_total: built.reduce((total, line) => total + line.vat, 0),
      rounding,
      total: payable,
      tenders: [{ kind: options.tender ?? 'cash', amount: payable }],
    };
  }

  sale(lines: ReadonlyArray<readonly [BuilderProduct, number]>, options: Parameters<TillEvents['salePayload']>[1] = {}): Envelope {
    return this.event('sale_completed', this.salePayload(lines, options));
  }
}

/** The push body for a batch of envelopes. */
export function pushBody(till_id: string, events: readonly Envelope[], epoch = 1): Record<string, unknown> {
  return { till_id, epoch, events };
}
