/**
 * What the sync agent needs from the till ledger, as an interface (the agent only reads the
 * journal and records acknowledgements; selling never waits for it). `ledgerForSync` adapts the
 * real ledger, recovery primitives (`adoptRecoveredHistory`, `moveToNewTill`) included.
 */
import type { EventEnvelope, PaymeEvent } from '@payme/shared';
import type { Ledger } from '../ledger/ledger.js';
import type { ServerBatch, ServerBatchResult } from '../ledger/feed.js';
import type { TillIdentity } from '../ledger/identity.js';
import type { QuarantineMark } from '../ledger/quarantine.js';

export interface AdoptRecoveredHistoryInput {
  /** The new epoch the server issued; the till pushes under it from now on. */
  epoch: number;
  /** The last seq both histories share. */
  common_seq: number;
  /** The server's head for this till: the re-appended events chain after it. */
  head: { seq: number; hash: string };
  /** This till's events the server holds after `common_seq`, in seq order, as stored. */
  server_events: readonly Record<string, unknown>[];
  /** The highest receipt counter the server has seen for this till. */
  receipt_counter: number;
}

export interface MoveToNewTillInput {
  till_id: string;
  epoch: number;
  receipt_prefix: string;
  business_id: string;
  store_id: string;
  server_public_key: string;
}

export interface SyncLedger {
  identity(): TillIdentity | null;
  /** Unacknowledged events in seq order (seq > acked_seq), at most `limit`. */
  pendingEvents(limit: number): readonly PaymeEvent[] | readonly EventEnvelope[];
  /** Events with seq >= `from_seq`, at most `limit` (a `seq_gap` asks to resend from there). */
  eventsFrom(from_seq: number, limit: number): readonly EventEnvelope[];
  markAcked(acked_seq: number, head_hash: string): void;
  /** The highest seq the server has acknowledged (0 before the first). */
  ackedSeq(): number;
  unsyncedCount(): number;
  chainHead(): { seq: number; hash: string };
  /** The feed cursor stored with the last applied batch ('0' before the first). */
  feedCursor(): string;
  applyServerBatch(batch: ServerBatch): ServerBatchResult;
  /** Records that the server quarantined the event at `seq` (persisted: survives a restart). */
  markQuarantined(seq: number, reason?: string): QuarantineMark;
  quarantinedCount(): number;
  /** The quarantined events in seq order, at most `limit`. */
  quarantinedEvents(limit?: number): readonly QuarantineMark[];
  /**
   * DESIGN §5 diverged history, till side, in ONE transaction: append `server_events` to the
   * journal and apply their effects; keep this till's own unacknowledged events after
   * `common_seq` as superseded rows and re-append them after `head` with their original
   * event ids and new seqs and hashes; acked_seq := head.seq; epoch := epoch; receipt counter
   * continues past `receipt_counter`. Returns how many events were re-appended.
   */
  adoptRecoveredHistory(input: AdoptRecoveredHistoryInput): { reappended: number };
  /**
   * DESIGN §5 fenced clone: becomes the newly enrolled till and re-appends its unacknowledged
   * events under the new till id (seq from 1), in one transaction. Returns how many.
   */
  moveToNewTill(input: MoveToNewTillInput): { reappended: number };
  /**
   * Set after `payme-till restore` until the ledger recovered online (DESIGN §5): the agent
   * recovers before it pushes or pulls anything.
   */
  restoreState(): { restored_at: string | null };
}

/** The ledger methods the adapter uses. */
type LedgerLike = Pick<
  Ledger,
  | 'identity'
  | 'pendingEvents'
  | 'eventsFrom'
  | 'markAcked'
  | 'ackedSeq'
  | 'unsyncedCount'
  | 'chainHead'
  | 'feedCursor'
  | 'applyServerBatch'
  | 'markQuarantined'
  | 'quarantinedCount'
  | 'quarantinedEvents'
  | 'adoptRecoveredHistory'
  | 'moveToNewTill'
  | 'restoreState'
>;

/** Adapts the real ledger (a plain object of methods) to the agent's view of it. */
export function ledgerForSync(ledger: LedgerLike): SyncLedger {
  return {
    identity: () => ledger.identity(),
    pendingEvents: (limit) => ledger.pendingEvents(limit),
    eventsFrom: (from_seq, limit) => ledger.eventsFrom(from_seq, limit),
    markAcked: (acked_seq, head_hash) => ledger.markAcked(acked_seq, head_hash),
    ackedSeq: () => ledger.ackedSeq(),
    unsyncedCount: () => ledger.unsyncedCount(),
    chainHead: () => ledger.chainHead(),
    feedCursor: () => ledger.feedCursor(),
    applyServerBatch: (batch) => ledger.applyServerBatch(batch),
    markQuarantined: (seq, reason) => ledger.markQuarantined(seq, reason),
    quarantinedCount: () => ledger.quarantinedCount(),
    quarantinedEvents: (limit) => ledger.quarantinedEvents(limit),
    adoptRecoveredHistory: (input) => ledger.adoptRecoveredHistory(input),
    moveToNewTill: (input) => ledger.moveToNewTill(input),
    restoreState: () => ledger.restoreState(),
  };
}
