/**
 * Sync protocol messages (DESIGN §5): push, pull, recover, enrollment, and the 409 bodies.
 * Pushed events are checked only for their place in the chain; each envelope and payload is
 * validated by the server per event, so a bad one is quarantined instead of refusing the batch.
 */
import { z } from 'zod';
import { epoch_max, long_poll_wait_seconds_max, name_chars_max, push_batch_events_max } from '../limits.js';
import { boundedArray, boundedInt, hash, nameInput, strictObject, uuid } from './common.js';
import { appVersion, outboxDepth } from './owner-operations.js';

const seqNumber = boundedInt(0, Number.MAX_SAFE_INTEGER);
const epoch = boundedInt(1, epoch_max);

/**
 * What the server needs to place an event in the till's chain: id, seq and the two hashes. The
 * rest of the envelope and the payload are checked per event, so one malformed event is
 * quarantined (DESIGN §5) instead of refusing the batch and leaving the till stuck behind it.
 */
export const chainedEventSchema = z.looseObject({ event_id: uuid, seq: boundedInt(1, Number.MAX_SAFE_INTEGER), prev_hash: hash, hash });
export type ChainedEvent = z.infer<typeof chainedEventSchema>;

/**
 * `outbox_depth` (events in the till's outbox not yet acknowledged when it sent the request,
 * this push's own included) and `app_version` are optional: the till reports them for the owner's
 * till health page, and a till of an older release leaves them out.
 */
export const pushRequestSchema = strictObject({
  till_id: uuid,
  epoch,
  events: boundedArray(chainedEventSchema, 1, push_batch_events_max),
  outbox_depth: outboxDepth.optional(),
  app_version: appVersion.optional(),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const push_statuses = ['applied', 'duplicate', 'quarantined'] as const;
export const pushResponseSchema = z.object({
  acked_seq: seqNumber,
  head_hash: hash,
  results: z.array(
    z.object({
      seq: seqNumber,
      event_id: uuid,
      status: z.enum(push_statuses),
      reason: z.string().max(2_000).optional(),
    }),
  ),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;
export type PushResult = PushResponse['results'][number];

/** 409: a seq or event id stored with another hash, a bad hash, or a prev_hash off the head. */
export const chainConflictBodySchema = z.looseObject({ code: z.literal('chain_conflict'), message: z.string(), seq: seqNumber });
/** 409: the first pushed seq is past acked_seq + 1. */
export const seqGapBodySchema = z.looseObject({ code: z.literal('seq_gap'), message: z.string(), expected_seq: seqNumber });
/** 409: the till pushed under an epoch older than the server's (a restored or cloned till). */
export const tillFencedBodySchema = z.looseObject({ code: z.literal('till_fenced'), message: z.string(), epoch });
export const pushConflictBodySchema = z.discriminatedUnion('code', [chainConflictBodySchema, seqGapBodySchema, tillFencedBodySchema]);
export type PushConflictBody = z.infer<typeof pushConflictBodySchema>;

/**
 * Pull query: `after` is the opaque cursor of the last response (query strings carry text, so
 * a number arrives as a string; both are accepted and returned as a string), `wait` in seconds.
 */
export const pullQuerySchema = strictObject({
  after: z
    .union([z.string().max(200, { error: 'may be at most 200 characters' }), boundedInt(0, Number.MAX_SAFE_INTEGER)], {
      error: 'must be a cursor from the last pull',
    })
    .transform(String)
    .default('0'),
  wait: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .min(0, { error: 'may not be negative' })
    .max(long_poll_wait_seconds_max, { error: `may be at most ${long_poll_wait_seconds_max} seconds` })
    .default(0),
  /** Optional till health (as in the push): events waiting in the till's outbox, and its version. */
  outbox_depth: z
    .string({ error: 'must be a whole number of events' })
    .regex(/^\d{1,9}$/, { error: 'must be a whole number of events' })
    .transform(Number)
    .pipe(outboxDepth)
    .optional(),
  app_version: appVersion.optional(),
});
export type PullQuery = z.output<typeof pullQuerySchema>;

export const change_kinds = ['product', 'price', 'staff', 'customer', 'credit_balance', 'stock_level', 'payment', 'setting', 'till_state', 'till', 'store'] as const;
export type ChangeKind = (typeof change_kinds)[number];

export const pullChangeSchema = z.object({
  cursor: z.string().max(200),
  kind: z.enum(change_kinds),
  /** The changed thing's id (product id, customer id, setting key, …). */
  id: z.string().min(1).max(200),
  /** The authoritative record; its shape depends on `kind` and is owned by the sync server. */
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type PullChange = z.infer<typeof pullChangeSchema>;

/** An Ed25519 signature over the JCS bytes of `{business_id, seq, hash}` (checkpointMessage). */
export const checkpointSchema = z.object({
  business_id: uuid,
  seq: boundedInt(1, Number.MAX_SAFE_INTEGER),
  hash,
  signature: z.string().regex(/^[0-9a-f]{128}$/, { error: 'must be an Ed25519 signature (128 hex characters)' }),
  key_id: z.string().max(100).optional(),
  /** When the server signed it (ISO 8601). */
  created_at: z.string().max(40).optional(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

export const pullResponseSchema = z.object({
  changes: z.array(pullChangeSchema),
  cursor: z.string().max(200),
  /** This till's acked seq at the same instant as the levels in `changes` (DESIGN §4). */
  acked_seq: seqNumber,
  checkpoint: checkpointSchema.optional(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

export const recoverRequestSchema = strictObject({
  till_id: uuid,
  epoch: epoch.optional(),
  last_common_seq: seqNumber.optional(),
});
export type RecoverRequest = z.infer<typeof recoverRequestSchema>;

export const recoverResponseSchema = z.object({
  epoch,
  common_seq: seqNumber,
  head: z.object({ seq: seqNumber, hash }),
  /** Chained events as the server holds them (a quarantined one may not pass its schema). */
  events: z.array(chainedEventSchema),
  /** More events follow the page: call recover again from the last seq returned. */
  has_more: z.boolean().optional(),
  /** The highest receipt counter the server has seen for this till; the till continues past it. */
  receipt_counter: seqNumber,
});
export type RecoverResponse = z.infer<typeof recoverResponseSchema>;

export const enrollRequestSchema = strictObject({
  code: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be an enrollment code') })
    .trim()
    .min(6, { error: 'must be an enrollment code' })
    .max(64, { error: 'may be at most 64 characters' }),
  name: nameInput,
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.object({
  till_id: uuid,
  device_token: z.string().min(16).max(200),
  epoch,
  /** Raw Ed25519 public key, hex, that signs audit checkpoints. */
  server_public_key: z.string().regex(/^[0-9a-f]{64}$/),
  business_id: uuid,
  store_id: uuid,
  receipt_prefix: z.string().regex(/^[A-Z0-9]{1,8}$/),
  name: z.string().max(name_chars_max).optional(),
  /** Which of the server's signing keys `server_public_key` is (checkpoints name it as `key_id`). */
  server_key_id: z.string().max(100).optional(),
  /** The shop as the till first shows it; the feed's settings keep it current afterwards. */
  business: z.object({ name: z.string().max(name_chars_max), time_zone: z.string().max(64).optional(), business_day_cutoff: z.string().max(5).optional() }).optional(),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;
