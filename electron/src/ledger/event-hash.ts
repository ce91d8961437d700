/**
 * The till's chain hash (DESIGN §5): shared's fast RFC 8785 canonical JSON, digested with Node's
 * native SHA-256 rather than the pure-JS one the browser needs. Byte for byte `recordHash` from
 * @payme/shared (event-hash.test.ts); the ledger's property test verifies every till-written chain
 * with the shared `verifyChain`.
 */
import { createHash } from 'node:crypto';
import { fastCanonicalJson, type EventEnvelope } from '@payme/shared';

export { fastCanonicalJson };

export function sha256HexNative(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The event's RFC 8785 canonical JSON, written out by hand around its payload's: the envelope's
 * keys in their canonical order (the till writes the hash key in only once it is known). Every
 * other member is a UUID, a timestamp, a hex hash, an event type or an integer, whose canonical
 * form is JSON.stringify's. `event-hash.test.ts` checks it byte for
 * byte against shared's `canonicalJson`, and its digest against `recordHash`.
 */
export function canonicalEnvelope(event: Omit<EventEnvelope, 'payload' | 'hash'>, payload_json: string, hash?: string): string {
  const q = JSON.stringify;
  const approver = event.approver_id === undefined ? '' : `,"approver_id":${q(event.approver_id)}`;
  const hashed = hash === undefined ? '' : `,"hash":${q(hash)}`;
  return (
    `{"actor_id":${q(event.actor_id)}${approver},"event_id":${q(event.event_id)}${hashed},"occurred_at":${q(event.occurred_at)},` +
    `"payload":${payload_json},"prev_hash":${q(event.prev_hash)},"seq":${event.seq},"till_id":${q(event.till_id)},"type":${q(event.type)},"v":${event.v}}`
  );
}
