/**
 * The bookkeeping every projection handler shares: stock movements, credit entries and anomalies
 * go through here so the running levels and balances the next event sees are always current.
 */
import type {
  AnomalyKind,
  CreditEntryKind,
  EventMeta,
  ProjectionRows,
  ProjectionState,
  StockMoveKind,
} from './projection-state.js';

/** Why an event is quarantined instead of applied. */
export interface Quarantine {
  code: string;
  message: string;
  field?: string;
}

export class FoldContext {
  private readonly anomalyCount = new Map<string, number>();

  constructor(
    readonly state: ProjectionState,
    readonly rows: ProjectionRows,
  ) {}

  /**
   * Records a signed stock movement at this till's store. Levels (and the oversold anomaly) are
   * settled when the push writes them, under the level rows' locks (stock-anomalies.ts).
   */
  moveStock(meta: EventMeta, line_no: number, productId: string, delta: number, kind: StockMoveKind, refId: string): void {
    this.rows.stock_moves.push({
      event_id: meta.event_id,
      line_no,
      store_id: meta.store_id,
      product_id: productId,
      delta,
      kind,
      ref_id: refId,
      till_id: meta.till_id,
      occurred_at: meta.occurred_at,
    });
    this.rows.stock_deltas.set(productId, (this.rows.stock_deltas.get(productId) ?? 0) + delta);
  }

  /** Records a signed credit entry (positive: the customer owes more); returns the balance after. */
  creditEntry(
    meta: EventMeta,
    entry_no: number,
    customerId: string,
    delta: number,
    kind: CreditEntryKind,
    refId: string,
    reason: string | null,
  ): number {
    const customer = this.state.customers.get(customerId);
    if (customer === undefined) throw new Error(`credit entry for a customer the fold did not check: ${customerId}`);
    this.rows.credit_entries.push({
      event_id: meta.event_id,
      entry_no,
      customer_id: customerId,
      delta_cents: delta,
      kind,
      ref_id: refId,
      reason,
      till_id: meta.till_id,
      occurred_at: meta.occurred_at,
    });
    customer.balance_cents += delta;
    this.rows.balance_deltas.set(customerId, (this.rows.balance_deltas.get(customerId) ?? 0) + delta);
    return customer.balance_cents;
  }

  anomaly(meta: EventMeta, kind: AnomalyKind, subject: string, details: Record<string, unknown>): void {
    const anomaly_no = (this.anomalyCount.get(meta.event_id) ?? 0) + 1;
    this.anomalyCount.set(meta.event_id, anomaly_no);
    this.rows.anomalies.push({ event_id: meta.event_id, anomaly_no, kind, till_id: meta.till_id, subject, details, detected_at: meta.received_at });
  }

  /** Flags a product this business does not sell (once per event and product). */
  checkKnownProduct(meta: EventMeta, productId: string, seen: Set<string>): void {
    if (this.state.products.has(productId) || seen.has(productId)) return;
    seen.add(productId);
    this.anomaly(meta, 'unknown_product', productId, { product_id: productId });
  }

  /** Flags a credit balance above the customer's limit after a change. */
  checkCreditLimit(meta: EventMeta, customerId: string, approvedBy: string | null): void {
    const customer = this.state.customers.get(customerId);
    if (customer === undefined || customer.balance_cents <= customer.credit_limit_cents) return;
    this.anomaly(meta, 'credit_over_limit', customerId, {
      customer_id: customerId,
      balance_cents: customer.balance_cents,
      credit_limit_cents: customer.credit_limit_cents,
      approved_by: approvedBy,
    });
  }
}
