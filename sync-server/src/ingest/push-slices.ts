/**
 * A backlog push in slices (issue 16). A 500-event push is one long transaction; on PGlite every
 * other transaction (a callback's acknowledgement, a live sale) waits for all of it. So a push
 * longer than `slice_events_max` is applied as consecutive slices, each its own transaction
 * committing its events, their effects and the till's acked seq together (DESIGN §5), with the
 * push's admission slot given up between them (`between`), so what waits goes first.
 *
 * The till sees one answer, as for one transaction. Everything that refuses a push as a whole
 * (its shape, its till, its nesting, its order, links and hashes) is judged on the whole body
 * before the first slice; a body failing any of them goes in one piece, so its refusal is exactly
 * the one the rules give and nothing is applied. What only the database can tell (a seq stored
 * with another hash) is found in the first slice, where the till's already-acknowledged events
 * are. Should a later slice still fail (a database fault), the slices before it stay committed
 * and the till's retry finds them `duplicate`: the idempotent producer's rule, as after a lost
 * answer.
 */
import type { PushResponse } from '@payme/shared';
import { checkBatch } from './chain-check.js';
import { ingestPrepared, preparePush, type IngestDeps, type PushCaller } from './ingest-push.js';
import type { PushRequest } from './push-request.js';

/** Splits a request into consecutive slices of at most `size` events, each reporting the outbox it leaves. */
export function sliceRequest(request: PushRequest, size: number): PushRequest[] {
  if (request.events.length <= size) return [request];
  const slices: PushRequest[] = [];
  for (let from = 0; from < request.events.length; from += size) {
    const events = request.events.slice(from, from + size);
    // ingestPrepared records outbox_depth − its events: what is left once the slice is acknowledged.
    const outbox = request.outbox_depth === undefined ? {} : { outbox_depth: Math.max(0, request.outbox_depth - from) };
    slices.push({ ...request, ...outbox, events });
  }
  return slices;
}

export async function ingestPushInSlices(
  deps: IngestDeps,
  caller: PushCaller,
  body: unknown,
  slice_events_max: number,
  between: () => Promise<void>,
): Promise<PushResponse & { changed: boolean }> {
  const request = preparePush(caller, body);
  let whole = false;
  try {
    checkBatch(request.events);
  } catch {
    whole = true;
  }
  const slices = whole ? [request] : sliceRequest(request, slice_events_max);
  let answer: (PushResponse & { changed: boolean }) | null = null;
  for (const [index, slice] of slices.entries()) {
    if (index > 0) await between();
    const part = await ingestPrepared(deps, caller, slice, { batch_checked: !whole });
    answer = answer === null ? part : { ...part, results: [...answer.results, ...part.results], changed: answer.changed || part.changed };
  }
  return answer as PushResponse & { changed: boolean };
}
