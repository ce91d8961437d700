/**
 * The rollup step of a push's finishing step (and of quarantine replay): the applied events'
 * rollup deltas as statements the caller adds to the statement that writes its plain rows, so
 * the rollups commit with the events in the ingest transaction at the cost of one read (the
 * context) and no extra write round trip. `skip` is the benchmark's switch (server-ingest
 * measures what the step costs); nothing else turns rollups off.
 */
import type { PaymeEvent } from '@payme/shared';
import type { Db } from '../db/db.js';
import { loadRollupContext } from './rollup-context.js';
import { foldRollups, type RolledEvent } from './rollup-fold.js';
import { no_rollup_rows, rollupRows, type RollupRows } from './rollup-write.js';

const folded_types: ReadonlySet<string> = new Set(['sale_completed', 'sale_voided', 'sale_refunded']);

export async function rollupRowsFor(
  tx: Db,
  scope: { business_id: string; store_id: string; till_id: string },
  applied: readonly PaymeEvent[],
  receivedAt: (event: PaymeEvent) => string,
  skip = false,
): Promise<RollupRows> {
  if (skip || !applied.some((event) => folded_types.has(event.type))) return no_rollup_rows;
  const events: RolledEvent[] = applied.map((event) => ({ event, till_id: scope.till_id, store_id: scope.store_id, received_at: receivedAt(event) }));
  return rollupRows(foldRollups(events, await loadRollupContext(tx, scope.business_id, events)));
}

/** The events of a fold that were applied, in order. */
export function appliedEvents(
  inputs: readonly { seq: number; checked: { ok: true; event: PaymeEvent } | { ok: false } }[],
  verdicts: readonly { seq: number; status: string }[],
): PaymeEvent[] {
  const applied = new Set(verdicts.filter((verdict) => verdict.status === 'applied').map((verdict) => verdict.seq));
  return inputs.flatMap((input) => (input.checked.ok && applied.has(input.seq) ? [input.checked.event] : []));
}
