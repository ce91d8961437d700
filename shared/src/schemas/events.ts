/**
 * The versioned event envelope of DESIGN §5 and the map from event type to payload schema.
 *
 * `eventEnvelopeSchema` checks only the envelope (payload is any object), so a push batch can
 * be chained and an event with a bad payload quarantined rather than refusing the batch.
 * `parseEvent` checks the envelope and then the payload of the event's type and version.
 * Nothing here transforms its input: a parsed event hashes exactly like the raw one.
 */
import { z } from 'zod';
import { PaymeError, type ErrorBody } from '../errors.js';
import { hash, isoTimestamp, strictObject, uuid, boundedInt } from './common.js';
import { schemaError } from './errors.js';
import {
  creditAdjustedPayload,
  creditPaymentRecordedPayload,
  customerCreatedPayload,
  customerUpdatedPayload,
  mpesaClaimRecordedPayload,
  mpesaReversalRequestedPayload,
  saleAbandonedPayload,
  saleCompletedPayload,
  saleParkedPayload,
  saleRefundedPayload,
  saleVoidedPayload,
  shiftCashMovementPayload,
  shiftClosedPayload,
  shiftOpenedPayload,
  stockAdjustedPayload,
  stockCountedPayload,
  stockReceivedPayload,
} from './event-payloads.js';

export * from './event-payloads.js';

export const event_types = [
  'sale_completed',
  'sale_parked',
  'sale_abandoned',
  'sale_voided',
  'sale_refunded',
  'mpesa_reversal_requested',
  'stock_received',
  'stock_adjusted',
  'stock_counted',
  'customer_created',
  'customer_updated',
  'credit_payment_recorded',
  'credit_adjusted',
  'shift_opened',
  'shift_paid_in',
  'shift_paid_out',
  'shift_closed',
  'mpesa_claim_recorded',
] as const;
export type EventType = (typeof event_types)[number];

/** The payload schema of each event type, at the current version. */
export const eventPayloadSchemas = {
  sale_completed: saleCompletedPayload,
  sale_parked: saleParkedPayload,
  sale_abandoned: saleAbandonedPayload,
  sale_voided: saleVoidedPayload,
  sale_refunded: saleRefundedPayload,
  mpesa_reversal_requested: mpesaReversalRequestedPayload,
  stock_received: stockReceivedPayload,
  stock_adjusted: stockAdjustedPayload,
  stock_counted: stockCountedPayload,
  customer_created: customerCreatedPayload,
  customer_updated: customerUpdatedPayload,
  credit_payment_recorded: creditPaymentRecordedPayload,
  credit_adjusted: creditAdjustedPayload,
  shift_opened: shiftOpenedPayload,
  shift_paid_in: shiftCashMovementPayload,
  shift_paid_out: shiftCashMovementPayload,
  shift_closed: shiftClosedPayload,
  mpesa_claim_recorded: mpesaClaimRecordedPayload,
} as const satisfies Record<EventType, z.ZodType>;

export type EventPayload<T extends EventType> = z.output<(typeof eventPayloadSchemas)[T]>;

/** The version a till writes today. */
export const current_event_version = 1;

/**
 * Every version ever shipped, per type: the server accepts all of them (DESIGN §5) and upcasts
 * old ones. Schema changes are additive: a new version adds its number here, its payload schema
 * to `payloadSchemaFor` and a step to `upcastEvent`.
 */
export const event_versions_shipped: Readonly<Record<EventType, readonly number[]>> = {
  sale_completed: [1],
  sale_parked: [1],
  sale_abandoned: [1],
  sale_voided: [1],
  sale_refunded: [1],
  mpesa_reversal_requested: [1],
  stock_received: [1],
  stock_adjusted: [1],
  stock_counted: [1],
  customer_created: [1],
  customer_updated: [1],
  credit_payment_recorded: [1],
  credit_adjusted: [1],
  shift_opened: [1],
  shift_paid_in: [1],
  shift_paid_out: [1],
  shift_closed: [1],
  mpesa_claim_recorded: [1],
};

/** The payload schema for one type at one shipped version, or undefined when never shipped. */
export function payloadSchemaFor(type: EventType, v: number): z.ZodType | undefined {
  if (!event_versions_shipped[type].includes(v)) return undefined;
  // Only version 1 exists so far; a version 2 would branch here to its own schema.
  return eventPayloadSchemas[type];
}

const eventTypeName = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be an event type') })
  .regex(/^[a-z][a-z0-9_]{0,63}$/, { error: 'must be an event type (lowercase words joined by _)' });

const envelopeShape = {
  event_id: uuid,
  till_id: uuid,
  seq: boundedInt(1, Number.MAX_SAFE_INTEGER),
  v: boundedInt(1, 1_000),
  occurred_at: isoTimestamp,
  actor_id: uuid,
  /** Present only when a manager approved; absent (never null) otherwise, so hashes agree. */
  approver_id: uuid.optional(),
  prev_hash: hash,
  hash,
};

/**
 * The envelope with any object as payload and any well-formed type name: the server chains and
 * stores it, then validates the payload (an unknown type or bad payload is quarantined).
 */
export const eventEnvelopeSchema = strictObject({
  ...envelopeShape,
  type: eventTypeName,
  payload: z.record(z.string(), z.unknown(), { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an object') }),
});
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

function typedEnvelope<T extends EventType>(type: T) {
  return strictObject({ ...envelopeShape, type: z.literal(type), payload: eventPayloadSchemas[type] });
}

type TypedEnvelopeSchemas = { [T in EventType]: ReturnType<typeof typedEnvelope<T>> };
const typedEnvelopes = Object.fromEntries(event_types.map((type) => [type, typedEnvelope(type)])) as TypedEnvelopeSchemas;

/** The discriminated union of every typed event at the current version. */
export const eventSchema = z.discriminatedUnion('type', Object.values(typedEnvelopes) as unknown as [
  TypedEnvelopeSchemas[EventType],
  ...TypedEnvelopeSchemas[EventType][],
]);
export type EventOf<T extends EventType> = z.output<TypedEnvelopeSchemas[T]>;
export type PaymeEvent = { [T in EventType]: EventOf<T> }[EventType];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (event_types as readonly string[]).includes(value);
}

/** The payload's issues, located under `payload` so the error names `payload.lines.0.quantity`. */
function underPayload(error: z.ZodError): z.ZodError {
  return new z.ZodError(error.issues.map((issue) => ({ ...issue, path: ['payload', ...issue.path] })));
}

/**
 * Validates a raw event: envelope, known type, shipped version, payload of that type and
 * version. Throws `PaymeError('invalid_input')` naming the field (`payload.lines.0.quantity`).
 */
export function parseEvent(raw: unknown): PaymeEvent {
  const envelope = eventEnvelopeSchema.safeParse(raw);
  if (!envelope.success) throw schemaError(envelope.error);
  const { type, v, payload } = envelope.data;
  if (!isEventType(type)) {
    throw new PaymeError('invalid_input', `type: unknown event type ${type}`, 'type', { type });
  }
  const schema = payloadSchemaFor(type, v);
  if (schema === undefined) {
    throw new PaymeError('invalid_input', `v: version ${v} of ${type} was never shipped`, 'v', {
      versions: event_versions_shipped[type],
    });
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw schemaError(underPayload(parsed.error));
  return { ...envelope.data, type, payload: parsed.data } as PaymeEvent;
}

/** `parseEvent` for a caller that expects one type: any other type is refused naming `type`. */
export function parseEventOf<T extends EventType>(type: T, raw: unknown): EventOf<T> {
  const event = parseEvent(raw);
  if (event.type !== type) {
    throw new PaymeError('invalid_input', `type: expected ${type}, got ${event.type}`, 'type', { expected: type });
  }
  return event as EventOf<T>;
}

export type SafeParseEventResult = { success: true; data: PaymeEvent } | { success: false; error: ErrorBody };

/** `parseEvent` that returns the error body instead of throwing (for quarantine reasons). */
export function safeParseEvent(raw: unknown): SafeParseEventResult {
  try {
    return { success: true, data: parseEvent(raw) };
  } catch (error) {
    if (error instanceof PaymeError) return { success: false, error: error.toBody() };
    throw error;
  }
}

/**
 * Brings a parsed event of any shipped version to the current version for projection. Hashes are
 * verified on the stored original, never on the upcast copy. Version 1 is current: identity.
 */
export function upcastEvent(event: PaymeEvent): PaymeEvent {
  if (event.v === current_event_version) return event;
  throw new PaymeError('invalid_input', `v: no upcast from version ${event.v} of ${event.type}`, 'v');
}
