/**
 * TEST DOUBLE — an in-memory stand-in for the sync server's till-facing routes, faithful to the
 * producer rules of DESIGN §5 (epoch fencing, seq gap, chain conflict, duplicates, quarantine,
 * acked seq in every answer, recover with a new epoch, one-time enrollment codes). It lets the
 * agent's tests run without PGlite; the simulation (e2e/src/sim) uses the real server.
 */
import { genesis_hash, recordHash, safeParseEvent, type PullChange } from '@payme/shared';
import type { SyncTransport, TransportResponse } from '../transport.js';

interface StoredEvent {
  seq: number;
  event_id: string;
  hash: string;
  envelope: Record<string, unknown>;
  status: 'applied' | 'quarantined';
}

interface TillRecord {
  till_id: string;
  epoch: number;
  fenced: boolean;
  events: StoredEvent[];
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): TransportResponse {
  // A deep copy, like a trip over the wire: the agent must not share objects with the server.
  return { status, body: JSON.parse(JSON.stringify(body)) as unknown, headers };
}

export class InMemorySyncServer {
  readonly tills = new Map<string, TillRecord>();
  readonly feed: PullChange[] = [];
  readonly enrollmentCodes = new Set<string>();
  private tillCounter = 0;
  requests = 0;
  /** Feed cursors start after this (a till may already hold a cursor from its setup). */
  cursorBase = 0;
  /** Quarantines an event when this returns a reason (a server-side schema refusal). */
  quarantine: (raw: Record<string, unknown>) => string | null = () => null;

  addTill(till_id: string, epoch = 1): void {
    this.tills.set(till_id, { till_id, epoch, fenced: false, events: [] });
  }

  till(till_id: string): TillRecord {
    const till = this.tills.get(till_id);
    if (till === undefined) throw new Error(`no till ${till_id}`);
    return till;
  }

  ackedSeq(till_id: string): number {
    return this.till(till_id).events.length;
  }

  addChange(kind: PullChange['kind'], id: string, data: Record<string, unknown> | null): void {
    this.feed.push({ cursor: String(this.cursorBase + this.feed.length + 1), kind, id, data });
  }

  /** The transport a till with `till_id` uses (the device token names the till). */
  transportFor(till_id: () => string): SyncTransport {
    return {
      push: async (body) => this.push(till_id(), body),
      pull: async (after) => this.pull(till_id(), after),
      recover: async (body) => this.recover(till_id(), body),
      enroll: async (body) => this.enroll(body),
    };
  }

  push(caller: string, body: { till_id: string; epoch: number; events: readonly Record<string, unknown>[] }): TransportResponse {
    this.requests += 1;
    const till = this.tills.get(caller);
    if (till === undefined || body.till_id !== caller) return answer(401, { code: 'invalid_token', message: 'unknown till' });
    if (till.fenced || body.epoch < till.epoch) return answer(409, { code: 'till_fenced', message: 'fenced', epoch: till.epoch });
    const acked = till.events.length;
    const results: { seq: number; event_id: string; status: string; reason?: string }[] = [];
    const fresh: StoredEvent[] = [];
    let head = acked === 0 ? genesis_hash : till.events[acked - 1]!.hash;
    for (const raw of body.events) {
      const seq = Number(raw['seq']);
      const hash = String(raw['hash']);
      if (recordHash(raw) !== hash) return answer(409, { code: 'chain_conflict', message: 'hash does not recompute', seq });
      if (seq <= acked) {
        if (till.events[seq - 1]!.hash !== hash) return answer(409, { code: 'chain_conflict', message: 'another event at this seq', seq });
        results.push({ seq, event_id: String(raw['event_id']), status: 'duplicate' });
        continue;
      }
      const expected = acked + fresh.length + 1;
      if (seq > expected) return answer(409, { code: 'seq_gap', message: 'gap', expected_seq: expected });
      if (raw['prev_hash'] !== head) return answer(409, { code: 'chain_conflict', message: 'prev_hash is not the head', seq });
      const parsed = safeParseEvent(raw);
      const reason = parsed.success ? this.quarantine(raw) : parsed.error.message;
      const status = reason === null ? 'applied' : 'quarantined';
      fresh.push({ seq, event_id: String(raw['event_id']), hash, envelope: raw, status });
      results.push({ seq, event_id: String(raw['event_id']), status, ...(reason === null ? {} : { reason }) });
      head = hash;
    }
    till.events.push(...fresh);
    const last = till.events[till.events.length - 1];
    return answer(200, { acked_seq: till.events.length, head_hash: last?.hash ?? genesis_hash, results });
  }

  pull(caller: string, after: string): TransportResponse {
    this.requests += 1;
    const till = this.tills.get(caller);
    if (till === undefined) return answer(401, { code: 'invalid_token', message: 'unknown till' });
    const from = Number(after);
    const changes = this.feed.filter((change) => Number(change.cursor) > from);
    return answer(200, { changes, cursor: String(Math.max(from, this.cursorBase + this.feed.length)), acked_seq: till.events.length });
  }

  recover(caller: string, body: { till_id: string; last_common_seq?: number | undefined }): TransportResponse {
    this.requests += 1;
    const till = this.tills.get(caller);
    if (till === undefined) return answer(401, { code: 'invalid_token', message: 'unknown till' });
    if (till.fenced) return answer(409, { code: 'till_fenced', message: 'fenced', epoch: till.epoch });
    const common = Math.min(body.last_common_seq ?? 0, till.events.length);
    till.epoch += 1;
    const last = till.events[till.events.length - 1];
    const receipts = till.events
      .map((event) => (event.envelope['payload'] as { receipt_no?: unknown }).receipt_no)
      .filter((value): value is string => typeof value === 'string')
      .map((text) => Number(text.split('-')[1]));
    return answer(200, {
      epoch: till.epoch,
      common_seq: common,
      head: { seq: till.events.length, hash: last?.hash ?? genesis_hash },
      events: till.events.slice(common).map((event) => event.envelope),
      has_more: false,
      receipt_counter: receipts.length === 0 ? 0 : Math.max(...receipts),
    });
  }

  enroll(body: { code: string; name: string }): TransportResponse {
    this.requests += 1;
    if (!this.enrollmentCodes.delete(body.code)) return answer(400, { code: 'enrollment_code_invalid', message: 'unknown or used code', field: 'code' });
    this.tillCounter += 1;
    const till_id = `01930000-0000-7000-8000-${String(900_000_000_000 + this.tillCounter).padStart(12, '0')}`;
    this.addTill(till_id);
    return answer(200, {
      till_id,
      device_token: `token-${till_id}`,
      epoch: 1,
      server_public_key: 'ab'.repeat(32),
      business_id: '01930000-0000-7000-8000-000000000002',
      store_id: '01930000-0000-7000-8000-000000000003',
      receipt_prefix: `T${this.tillCounter + 1}`,
    });
  }
}
