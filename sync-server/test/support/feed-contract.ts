/**
 * The feed contract between server and till: every record of a kind a till reads must parse with
 * shared's `feed_records` schema of that kind, which is what the till's ledger parses it with.
 * Returns the kinds it checked, so a test can show it was not vacuous.
 */
import { expect } from 'vitest';
import { feed_records, isFeedRecordKind } from '@payme/shared';
import { readFeedChanges } from '../../src/feed/changes.js';
import type { Db } from '../../src/db/db.js';

export async function expectFeedReadableByTills(db: Db, businessId: string): Promise<Set<string>> {
  const checked = new Set<string>();
  const refused: unknown[] = [];
  for (const change of await readFeedChanges(db, businessId, 0, 100_000)) {
    if (!isFeedRecordKind(change.kind) || change.data === null) continue;
    const parsed = feed_records[change.kind].safeParse(change.data);
    if (parsed.success) checked.add(change.kind);
    else refused.push({ kind: change.kind, data: change.data, issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
  }
  expect(refused).toEqual([]);
  return checked;
}
