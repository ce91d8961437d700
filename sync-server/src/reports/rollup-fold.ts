/**
 * The rollup fold (DESIGN §12): applied till events → signed additions to the rollup rows. Pure:
 * what it needs from the database (the business's calendar, product costs, and the sales that
 * a void or refund in the batch names but did not complete) comes in a `RollupContext`
 * (rollup-context.ts). The push's finishing step, the fold on start and `rollups rebuild` all
 * run this one function, so they cannot disagree.
 *
 * What counts where (every measure lands on exactly one row, see 010_owner_reports.sql):
 * - a completed sale adds, on its day and hour, at its till, for its cashier: one sale, its
 *   subtotal (gross), discount and rounding, and per line its VAT, cost and (un)costed amounts,
 *   to the sale row (`tender` ''); each tender's amount to that tender's row; each line to its
 *   product's row;
 * - a void takes all of that back, on the void's own day, till and cashier, and counts a void;
 * - a refund, on its own day, counts a refund and its total, takes back each refunded line's
 *   share of VAT, cost and quantity, and adds each refund tender to its tender's refunds
 *   (`mpesa_reversal` is M-Pesa's).
 * Other events change no report figure.
 */
import { lineAmount, type PaymeEvent, type QuantityUnit } from '@payme/shared';
import type { BusinessClock, DayAndHour } from './business-day.js';

export interface RolledEvent {
  event: PaymeEvent;
  till_id: string;
  store_id: string;
  /** When the server stored the event: where it counts when the till's own time is absurd. */
  received_at: string;
}

/** Business days a report can name (shared's businessDay); a till time outside them is a broken clock. */
const first_business_day = '2000-01-01';
const last_business_day = '9999-12-31';

/**
 * Where an event counts: its business day and hour by the till's time (DESIGN §3: till clocks are
 * data), unless that time falls outside the days a report can name (a till clock at year 9999 or
 * 1970), when the server's receive time places it instead, so its money is still counted.
 */
export function placeOf(clock: BusinessClock, rolled: Pick<RolledEvent, 'event' | 'received_at'>): DayAndHour {
  const own = clock.at(rolled.event.occurred_at);
  if (own.business_day >= first_business_day && own.business_day <= last_business_day && own.business_day.length === 10) return own;
  return clock.at(rolled.received_at);
}

/** A stored sale as a void or refund needs it (amounts as the sale was completed). */
export interface StoredSale {
  sale_id: string;
  subtotal_cents: number;
  discount_cents: number;
  rounding_cents: number;
  lines: { line_id: string; product_id: string; unit: QuantityUnit; quantity: number; gross_cents: number; vat_cents: number }[];
  tenders: { kind: string; amount_cents: number }[];
}

export interface RollupContext {
  clock: BusinessClock;
  /** Cost price per product unit (null: the product has none). Unknown products have none. */
  costs: ReadonlyMap<string, number | null>;
  /** Sales that voids and refunds of the batch name and the batch did not complete. */
  sales: ReadonlyMap<string, StoredSale>;
}

export const sales_measures = [
  'sale_count',
  'void_count',
  'refund_count',
  'gross_cents',
  'discount_cents',
  'refund_cents',
  'vat_cents',
  'rounding_cents',
  'cost_cents',
  'costed_ex_vat_cents',
  'uncosted_cents',
  'tender_cents',
  'tender_refund_cents',
] as const;
export type SalesMeasures = Record<(typeof sales_measures)[number], number>;

export const product_measures = ['quantity', 'net_cents', 'vat_cents', 'cost_cents', 'costed_ex_vat_cents', 'uncosted_cents'] as const;
export type ProductMeasures = Record<(typeof product_measures)[number], number>;

export interface SalesKey {
  business_day: string;
  hour: number;
  store_id: string;
  till_id: string;
  cashier_id: string;
  tender: '' | 'cash' | 'mpesa' | 'credit';
}

export interface ProductKey {
  business_day: string;
  store_id: string;
  till_id: string;
  product_id: string;
}

export interface RollupDeltas {
  hourly: Map<string, SalesKey & SalesMeasures>;
  daily: Map<string, Omit<SalesKey, 'hour'> & SalesMeasures>;
  products: Map<string, ProductKey & ProductMeasures>;
  /** Voids and refunds whose sale the context did not hold: nothing to take back (logged by the caller). */
  unresolved: string[];
}

function zeroSales(): SalesMeasures {
  return Object.fromEntries(sales_measures.map((name) => [name, 0])) as SalesMeasures;
}

function zeroProduct(): ProductMeasures {
  return Object.fromEntries(product_measures.map((name) => [name, 0])) as ProductMeasures;
}

export function emptyDeltas(): RollupDeltas {
  return { hourly: new Map(), daily: new Map(), products: new Map(), unresolved: [] };
}

/** Whether a delta row would change nothing (all measures zero). */
export function isZero(row: Partial<Record<string, unknown>>, measures: readonly string[]): boolean {
  return measures.every((name) => row[name] === 0);
}

/** Where one event's figures go: its day and hour, store, till and cashier. */
interface Place {
  business_day: string;
  hour: number;
  store_id: string;
  till_id: string;
  cashier_id: string;
}

/** A line's contribution, signed: VAT-inclusive amount charged, its VAT, quantity. */
interface LineFigures {
  product_id: string;
  unit: QuantityUnit;
  quantity: number;
  charged_cents: number;
  vat_cents: number;
}

class DeltaBuilder {
  readonly deltas = emptyDeltas();

  constructor(private readonly context: RollupContext) {}

  add(place: Place, tender: SalesKey['tender'], figures: Partial<SalesMeasures>): void {
    const hourlyKey = `${place.business_day}|${place.hour}|${place.store_id}|${place.till_id}|${place.cashier_id}|${tender}`;
    const dailyKey = `${place.business_day}|${place.store_id}|${place.till_id}|${place.cashier_id}|${tender}`;
    const hourly = this.deltas.hourly.get(hourlyKey) ?? { ...place, tender, ...zeroSales() };
    const { hour: _hour, ...day } = place;
    const daily = this.deltas.daily.get(dailyKey) ?? { ...day, tender, ...zeroSales() };
    for (const [name, value] of Object.entries(figures) as [keyof SalesMeasures, number][]) {
      hourly[name] += value;
      daily[name] += value;
    }
    this.deltas.hourly.set(hourlyKey, hourly);
    this.deltas.daily.set(dailyKey, daily);
  }

  /** A line, signed by `sign`: VAT, cost and (un)costed amounts on the sale row, and its product row. */
  line(place: Place, sign: 1 | -1, line: LineFigures): void {
    const cost = this.context.costs.get(line.product_id) ?? null;
    const costCents = cost === null ? 0 : lineAmount(cost, line.quantity, line.unit);
    const exVat = line.charged_cents - line.vat_cents;
    const figures = {
      vat_cents: sign * line.vat_cents,
      cost_cents: sign * costCents,
      costed_ex_vat_cents: cost === null ? 0 : sign * exVat,
      uncosted_cents: cost === null ? sign * line.charged_cents : 0,
    };
    this.add(place, '', figures);
    const key = `${place.business_day}|${place.store_id}|${place.till_id}|${line.product_id}`;
    const row = this.deltas.products.get(key) ?? { business_day: place.business_day, store_id: place.store_id, till_id: place.till_id, product_id: line.product_id, ...zeroProduct() };
    row.quantity += sign * line.quantity;
    row.net_cents += sign * line.charged_cents;
    row.vat_cents += figures.vat_cents;
    row.cost_cents += figures.cost_cents;
    row.costed_ex_vat_cents += figures.costed_ex_vat_cents;
    row.uncosted_cents += figures.uncosted_cents;
    this.deltas.products.set(key, row);
  }
}

const refund_tender_to_tender: Record<string, SalesKey['tender']> = { cash: 'cash', credit: 'credit', mpesa_reversal: 'mpesa' };

function asTender(kind: string): SalesKey['tender'] {
  return kind === 'cash' || kind === 'mpesa' || kind === 'credit' ? kind : '';
}

/** The sale as a later void or refund of the same batch needs it. */
function storedFromEvent(event: Extract<PaymeEvent, { type: 'sale_completed' }>): StoredSale {
  const sale = event.payload;
  return {
    sale_id: sale.sale_id,
    subtotal_cents: sale.subtotal,
    discount_cents: sale.discount,
    rounding_cents: sale.rounding,
    lines: sale.lines.map((line) => ({
      line_id: line.line_id,
      product_id: line.product_id,
      unit: line.unit,
      quantity: line.quantity,
      gross_cents: line.gross,
      vat_cents: line.vat,
    })),
    tenders: sale.tenders.map((tender) => ({ kind: tender.kind, amount_cents: tender.amount })),
  };
}

/** Adds (sign 1) or takes back (sign −1) a whole sale at `place`. */
function foldSale(builder: DeltaBuilder, place: Place, sale: StoredSale, sign: 1 | -1): void {
  builder.add(place, '', {
    sale_count: sign,
    void_count: sign === -1 ? 1 : 0,
    gross_cents: sign * sale.subtotal_cents,
    discount_cents: sign * sale.discount_cents,
    rounding_cents: sign * sale.rounding_cents,
  });
  for (const line of sale.lines) {
    builder.line(place, sign, { product_id: line.product_id, unit: line.unit, quantity: line.quantity, charged_cents: line.gross_cents, vat_cents: line.vat_cents });
  }
  for (const tender of sale.tenders) builder.add(place, asTender(tender.kind), { tender_cents: sign * tender.amount_cents });
}

function foldRefund(builder: DeltaBuilder, place: Place, event: Extract<PaymeEvent, { type: 'sale_refunded' }>, sale: StoredSale): void {
  const refund = event.payload;
  builder.add(place, '', { refund_count: 1, refund_cents: refund.total });
  const lines = new Map(sale.lines.map((line) => [line.line_id, line]));
  for (const refunded of refund.lines) {
    const line = lines.get(refunded.line_id);
    // A refunded line's VAT is its share of the sold line's VAT (the refund carries amounts only).
    const vat = line === undefined || line.gross_cents === 0 ? 0 : Math.round((line.vat_cents * refunded.amount) / line.gross_cents);
    builder.line(place, -1, { product_id: refunded.product_id, unit: line?.unit ?? 'piece', quantity: refunded.quantity, charged_cents: refunded.amount, vat_cents: vat });
  }
  for (const tender of refund.tenders) builder.add(place, refund_tender_to_tender[tender.kind] ?? '', { tender_refund_cents: tender.amount });
}

/** The sales voids and refunds of `events` name that `events` themselves do not complete first. */
export function salesToLookUp(events: readonly RolledEvent[]): string[] {
  const completed = new Set<string>();
  const needed = new Set<string>();
  for (const { event } of events) {
    if (event.type === 'sale_completed') completed.add(event.payload.sale_id);
    else if ((event.type === 'sale_voided' || event.type === 'sale_refunded') && !completed.has(event.payload.sale_id)) needed.add(event.payload.sale_id);
  }
  return [...needed];
}

/** Product ids whose cost the fold needs (lines sold or refunded in the batch). */
export function productsToCost(events: readonly RolledEvent[]): string[] {
  const ids = new Set<string>();
  for (const { event } of events) {
    if (event.type === 'sale_completed') event.payload.lines.forEach((line) => ids.add(line.product_id));
    else if (event.type === 'sale_refunded') event.payload.lines.forEach((line) => ids.add(line.product_id));
  }
  return [...ids];
}

/** Folds applied events, in the order they were applied. */
export function foldRollups(events: readonly RolledEvent[], context: RollupContext): RollupDeltas {
  const builder = new DeltaBuilder(context);
  const batchSales = new Map<string, StoredSale>();
  const saleOf = (saleId: string) => batchSales.get(saleId) ?? context.sales.get(saleId);
  for (const rolled of events) {
    const { event, till_id, store_id } = rolled;
    if (event.type !== 'sale_completed' && event.type !== 'sale_voided' && event.type !== 'sale_refunded') continue;
    const place: Place = { ...placeOf(context.clock, rolled), store_id, till_id, cashier_id: event.actor_id };
    if (event.type === 'sale_completed') {
      const sale = storedFromEvent(event);
      batchSales.set(sale.sale_id, sale);
      foldSale(builder, place, sale, 1);
      continue;
    }
    const sale = saleOf(event.payload.sale_id);
    if (sale === undefined) {
      builder.deltas.unresolved.push(event.event_id);
      continue;
    }
    if (event.type === 'sale_voided') foldSale(builder, place, sale, -1);
    else foldRefund(builder, place, event, sale);
  }
  return builder.deltas;
}
