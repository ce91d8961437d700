/**
 * The shape of every owner write (DESIGN §6, issue 4): the change, its audit entry and its feed
 * change commit together or not at all; tills are woken after COMMIT, and a checkpoint is
 * signed when one is due.
 */
import { isoAt, type ErrorCode } from '@payme/shared';
import type { Db } from '../db/db.js';
import { sqlState } from '../db/db.js';
import type { ServerDeps } from '../deps.js';
import type { AuditEntryInput } from '../audit/audit-log.js';
import { appendFeedChange, type FeedChangeInput } from '../feed/changes.js';
import { conflict } from '../http/errors.js';
import type { StaffPrincipal } from '../auth/principal.js';

export interface OwnerWriteOutcome<R> {
  audit: Omit<AuditEntryInput, 'occurred_at' | 'actor'>;
  feed: FeedChangeInput | FeedChangeInput[];
  response: R;
}

export function appendAuditNow(deps: Pick<ServerDeps, 'audit' | 'clock'>, tx: Db, businessId: string, entry: Omit<AuditEntryInput, 'occurred_at'>) {
  return deps.audit.append(tx, businessId, { ...entry, occurred_at: isoAt(deps.clock.now()) });
}

/** Unique indexes whose violation is the caller's mistake, with the field it names. */
const unique_fields: Record<string, { field: string; code: ErrorCode; message: string }> = {
  products_barcode_per_business: { field: 'barcode', code: 'barcode_taken', message: 'Another product already has this barcode' },
  products_sku_per_business: { field: 'sku', code: 'sku_taken', message: 'Another product already has this SKU' },
  staff_email_per_business: { field: 'email', code: 'email_taken', message: 'Another staff member already uses this email' },
  products_pkey: { field: 'id', code: 'already_exists', message: 'A product with this id already exists' },
  customers_pkey: { field: 'id', code: 'already_exists', message: 'A customer with this id already exists' },
  staff_pkey: { field: 'id', code: 'already_exists', message: 'A staff member with this id already exists' },
  stores_pkey: { field: 'id', code: 'already_exists', message: 'A store with this id already exists' },
};
// Ids are unique within a business (migration 012): either of its two equal keys may answer.
for (const table of ['products', 'customers', 'staff', 'stores']) unique_fields[`${table}_business_id_id_key`] = unique_fields[`${table}_pkey`]!;

function translateUniqueViolation(error: unknown): unknown {
  if (sqlState(error) !== '23505') return error;
  const constraint = (error as { constraint?: string }).constraint ?? '';
  const detail = (error as { detail?: string; message?: string }).message ?? '';
  const known = unique_fields[constraint] ?? Object.entries(unique_fields).find(([name]) => detail.includes(name))?.[1];
  return known ? conflict(known.code, known.message, known.field) : conflict('conflict', 'This conflicts with an existing record');
}

export async function ownerWrite<R>(
  deps: ServerDeps,
  principal: StaffPrincipal,
  change: (tx: Db, now: number) => Promise<OwnerWriteOutcome<R>>,
): Promise<R> {
  const businessId = principal.business_id;
  let response: R;
  try {
    response = await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      const outcome = await change(tx, now);
      await deps.audit.append(tx, businessId, { ...outcome.audit, actor: principal.staff_id, occurred_at: isoAt(now) });
      const feedChanges = Array.isArray(outcome.feed) ? outcome.feed : [outcome.feed];
      for (const feedChange of feedChanges) await appendFeedChange(tx, businessId, feedChange, now);
      return outcome.response;
    });
  } catch (error) {
    throw translateUniqueViolation(error);
  }
  deps.feed.notifyFeed(businessId);
  await deps.audit.maybeCheckpoint(deps.db, businessId);
  return response;
}
