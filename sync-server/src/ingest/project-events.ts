/**
 * The fold of a push: each fresh event is validated (schema, shipped version, upcast), checked
 * against the till's scope, and projected, in seq order, over the state loaded for the batch.
 * An event that fails any of that is quarantined with its reason; the fold never throws for
 * something a till sent.
 */
import {
  PaymeError,
  safeParseEvent,
  upcastEvent,
  type EventOf,
  type EventType,
  type PaymeEvent,
} from '@payme/shared';
import { FoldContext, type Quarantine } from './fold-context.js';
import { emptyProjectionRows, type EventMeta, type ProjectionRows, type ProjectionState } from './projection-state.js';
import {
  projectSaleAbandoned,
  projectSaleCompleted,
  projectSaleParked,
  projectSaleRefunded,
  projectSaleVoided,
} from './project-sales.js';
import {
  projectCreditAdjusted,
  projectCreditPayment,
  projectCustomerCreated,
  projectCustomerUpdated,
  projectMpesaClaim,
  projectReversalRequested,
  projectShiftCash,
  projectShiftClosed,
  projectShiftOpened,
  projectStockAdjusted,
  projectStockCounted,
  projectStockReceived,
} from './project-ledgers.js';

type Handler<T extends EventType> = (ctx: FoldContext, event: EventOf<T>, meta: EventMeta) => Quarantine | null;

const handlers: { [T in EventType]: Handler<T> } = {
  sale_completed: projectSaleCompleted,
  sale_parked: projectSaleParked,
  sale_abandoned: projectSaleAbandoned,
  sale_voided: projectSaleVoided,
  sale_refunded: projectSaleRefunded,
  mpesa_reversal_requested: projectReversalRequested,
  stock_received: projectStockReceived,
  stock_adjusted: projectStockAdjusted,
  stock_counted: projectStockCounted,
  customer_created: projectCustomerCreated,
  customer_updated: projectCustomerUpdated,
  credit_payment_recorded: projectCreditPayment,
  credit_adjusted: projectCreditAdjusted,
  shift_opened: projectShiftOpened,
  shift_paid_in: projectShiftCash,
  shift_paid_out: projectShiftCash,
  shift_closed: projectShiftClosed,
  mpesa_claim_recorded: projectMpesaClaim,
};

/** A validated event, or the reason it cannot be applied whatever the server's state. */
export type CheckedEvent = { ok: true; event: PaymeEvent } | { ok: false; reason: Quarantine };

/** Schema, shipped version and upcast: decided without the database. */
export function checkEvent(raw: unknown): CheckedEvent {
  const parsed = safeParseEvent(raw);
  if (!parsed.success) {
    const { code, message, field } = parsed.error;
    return { ok: false, reason: field === undefined ? { code, message } : { code, message, field } };
  }
  if (!isStorableInstant(parsed.data.occurred_at)) {
    return { ok: false, reason: { code: 'invalid_input', message: 'occurred_at: is not a real moment between the years 2000 and 9999', field: 'occurred_at' } };
  }
  try {
    return { ok: true, event: upcastEvent(parsed.data) };
  } catch (error) {
    if (error instanceof PaymeError) return { ok: false, reason: { code: error.code, message: error.message, field: error.field ?? 'v' } };
    throw error;
  }
}

/**
 * The ISO format lets through days no calendar has (`2026-02-30`) and years PostgreSQL refuses
 * (`0000`); such a till clock reading is refused per event here rather than failing the push.
 */
export function isStorableInstant(text: string): boolean {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return false;
  const iso = new Date(ms).toISOString();
  return iso.slice(0, 10) === text.slice(0, 10) && ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(10_000, 0, 1);
}

/** Keys whose values name a row of the business: a product, a customer or a member of staff. */
const business_reference_keys = new Set(['product_id', 'customer_id', 'actor_id', 'approver_id', 'approved_by', 'override_approved_by']);

/** Every id an event names of a row of the pushing till's business (looked up in it alone). */
export function businessReferences(event: PaymeEvent): { products: string[]; customers: string[]; staff: string[] } {
  const products = new Set<string>();
  const customers = new Set<string>();
  const staff = new Set<string>([event.actor_id]);
  if (event.approver_id !== undefined) staff.add(event.approver_id);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner === 'string' && business_reference_keys.has(key)) {
        if (key === 'product_id') products.add(inner);
        else if (key === 'customer_id') customers.add(inner);
        else staff.add(inner);
      } else {
        walk(inner);
      }
    }
  };
  walk(event.payload);
  return { products: [...products], customers: [...customers], staff: [...staff] };
}

function scopeProblem(state: ProjectionState, event: PaymeEvent): Quarantine | null {
  if (event.till_id !== state.till_id) {
    return { code: 'wrong_till', message: 'The event names another till than the one that pushed it', field: 'till_id' };
  }
  return null;
}

export interface FoldInput {
  seq: number;
  event_id: string;
  checked: CheckedEvent;
}

export interface FoldVerdict {
  seq: number;
  event_id: string;
  status: 'applied' | 'quarantined';
  reason?: Quarantine;
}

export interface FoldResult {
  verdicts: FoldVerdict[];
  rows: ProjectionRows;
}

/** Projects the batch in seq order over `state` (which it updates); pure apart from that. */
export function foldEvents(state: ProjectionState, inputs: readonly FoldInput[], receivedAt: string): FoldResult {
  const ctx = new FoldContext(state, emptyProjectionRows());
  const verdicts = inputs.map((input): FoldVerdict => {
    const quarantined = (reason: Quarantine): FoldVerdict => ({ seq: input.seq, event_id: input.event_id, status: 'quarantined', reason });
    if (!input.checked.ok) return quarantined(input.checked.reason);
    const event = input.checked.event;
    const problem = scopeProblem(state, event);
    if (problem) return quarantined(problem);
    const meta: EventMeta = {
      event_id: event.event_id,
      till_id: state.till_id,
      store_id: state.store_id,
      actor_id: event.actor_id,
      approver_id: event.approver_id ?? null,
      occurred_at: event.occurred_at,
      received_at: receivedAt,
    };
    const handler = handlers[event.type] as Handler<EventType>;
    const refused = handler(ctx, event as EventOf<EventType>, meta);
    return refused ? quarantined(refused) : { seq: input.seq, event_id: input.event_id, status: 'applied' };
  });
  return { verdicts, rows: ctx.rows };
}
