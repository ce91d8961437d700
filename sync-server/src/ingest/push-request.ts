/**
 * The outer shape of `POST /v1/sync/push` (DESIGN §5). Only what places an event in its till's
 * chain is checked here (seq, event_id, prev_hash, hash): a batch whose chain cannot even be read
 * is refused as a whole with the field named. Everything else about an event (type, version,
 * payload, which till it names) is judged per event later, so a bad event is quarantined and the
 * till moves on instead of being stuck behind it forever.
 */
import type { z } from 'zod';
import { parseInput, PaymeError, pushRequestSchema } from '@payme/shared';

/** One pushed event: the raw envelope exactly as received, and the fields that chain it. */
export interface PushedEvent {
  seq: number;
  event_id: string;
  prev_hash: string;
  hash: string;
  /** The envelope as the till sent it: hashed, stored and quarantined byte-for-byte as is. */
  raw: Record<string, unknown>;
}

export interface PushRequest {
  till_id: string;
  epoch: number;
  events: PushedEvent[];
  /** Till health, when the till reports it. */
  outbox_depth?: number;
  app_version?: string;
}

/** Parses a push body, throwing `invalid_input` naming the field (`events.3.seq`). */
export function parsePushRequest(body: unknown): PushRequest {
  let parsed: z.output<typeof pushRequestSchema>;
  try {
    parsed = parseInput(pushRequestSchema, body);
  } catch (error) {
    // A body that is not even an object names no field of its own: the whole body is at fault.
    if (error instanceof PaymeError && error.field === undefined) {
      throw new PaymeError(error.code, 'body: must be an object {till_id, epoch, events}', 'body', { ...error.details });
    }
    throw error;
  }
  // `body` passed the schema, so it is this shape; keep the raw objects, not zod's copies.
  const rawEvents = (body as { events: Record<string, unknown>[] }).events;
  return {
    till_id: parsed.till_id,
    epoch: parsed.epoch,
    ...(parsed.outbox_depth === undefined ? {} : { outbox_depth: parsed.outbox_depth }),
    ...(parsed.app_version === undefined ? {} : { app_version: parsed.app_version }),
    events: parsed.events.map((event, index) => ({
      seq: event.seq,
      event_id: event.event_id,
      prev_hash: event.prev_hash,
      hash: event.hash,
      raw: rawEvents[index] as Record<string, unknown>,
    })),
  };
}
