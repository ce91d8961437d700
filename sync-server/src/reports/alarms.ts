/**
 * `GET /v1/alarms` (UX "Is anything wrong?"): what needs the owner, most serious first, worked
 * out on each request from the records themselves (one statement), so an alarm clears itself
 * once its cause is gone: a till silent longer than the setting, stock sold below zero,
 * quarantined events, a failed audit verification, a cash variance at close above the setting
 * (shifts closed in the last alarm_variance_days days), unmatched M-Pesa money.
 */
import { isoAt, setting_defaults, type Alarm } from '@payme/shared';
import type { Db } from '../db/db.js';
import { formatKes } from '@payme/shared';
import { money_kinds } from '../mpesa/unmatched-queue.js';
import { settled_by_claim } from './mpesa-reconciliation.js';

/** Shift variances older than this stop being alarms (the Z-report keeps them). */
export const alarm_variance_days = 7;
/** At most this many alarms of one kind are listed one by one; the rest are counted. */
export const alarms_listed_per_kind_max = 50;

const alarms_sql = `WITH cfg AS (
    SELECT COALESCE((SELECT (value #>> '{}')::int FROM settings WHERE business_id = $1 AND key = 'alarm_till_silent_minutes'), $3::int) AS silent_minutes,
           COALESCE((SELECT (value #>> '{}')::bigint FROM settings WHERE business_id = $1 AND key = 'alarm_cash_variance_cents'), $4::bigint) AS variance_cents
  )
  SELECT
    (SELECT COALESCE(json_agg(x), '[]'::json) FROM (
       SELECT t.id::text AS id, t.name, GREATEST(t.last_push_at, t.last_pull_at, t.created_at) AS last_seen, t.outbox_depth
         FROM tills t CROSS JOIN cfg
        WHERE t.business_id = $1 AND t.retired_at IS NULL AND NOT t.fenced
          AND GREATEST(t.last_push_at, t.last_pull_at, t.created_at) < $2::timestamptz - make_interval(mins => cfg.silent_minutes)
        ORDER BY 3 LIMIT ${alarms_listed_per_kind_max}) x) AS silent_tills,
    (SELECT json_build_object('n', count(*), 'items', COALESCE(json_agg(x) FILTER (WHERE x.rank <= ${alarms_listed_per_kind_max}), '[]'::json)) FROM (
       SELECT l.store_id::text AS store_id, l.product_id::text AS product_id, p.name, l.on_hand, l.updated_at,
              row_number() OVER (ORDER BY l.on_hand, p.name) AS rank
         FROM stock_levels l LEFT JOIN products p ON p.business_id = l.business_id AND p.id = l.product_id
        WHERE l.business_id = $1 AND l.on_hand < 0) x) AS below_zero,
    (SELECT json_build_object('n', count(*), 'since', min(received_at)) FROM quarantined_events WHERE business_id = $1 AND replayed_at IS NULL) AS quarantined,
    (SELECT json_build_object('verified_at', verified_at, 'first_broken_seq', first_broken_seq, 'message', message)
       FROM audit_last_verification WHERE business_id = $1 AND NOT ok) AS audit,
    (SELECT COALESCE(json_agg(x), '[]'::json) FROM (
       SELECT s.shift_id::text AS shift_id, s.till_id::text AS till_id, s.closed_at, s.variance_cents
         FROM shifts s CROSS JOIN cfg
        WHERE s.business_id = $1 AND s.status = 'closed' AND s.closed_at >= $2::timestamptz - interval '${alarm_variance_days} days'
          AND abs(s.variance_cents) > cfg.variance_cents
        ORDER BY s.closed_at DESC LIMIT ${alarms_listed_per_kind_max}) x) AS variances,
    (SELECT json_build_object('n', count(*), 'amount', COALESCE(sum(q.amount_cents), 0), 'since', min(q.created_at))
       FROM mpesa_unmatched q WHERE q.business_id = $1 AND q.resolved_at IS NULL AND q.amount_cents IS NOT NULL AND q.kind = ANY($5::text[])
        AND NOT ${settled_by_claim('q')}) AS unmatched`;

interface AlarmRow {
  silent_tills: { id: string; name: string; last_seen: string; outbox_depth: number | null }[];
  below_zero: { n: number; items: { store_id: string; product_id: string; name: string | null; on_hand: number; updated_at: string }[] };
  quarantined: { n: number; since: string | null };
  audit: { verified_at: string; first_broken_seq: number | null; message: string | null } | null;
  variances: { shift_id: string; till_id: string; closed_at: string; variance_cents: number }[];
  unmatched: { n: number; amount: number; since: string | null };
}

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

export async function alarms(db: Db, businessId: string, now: number): Promise<{ as_of: string; alarms: Alarm[] }> {
  const rows = await db.query<AlarmRow>(alarms_sql, [businessId, isoAt(now), setting_defaults.alarm_till_silent_minutes, setting_defaults.alarm_cash_variance_cents, [...money_kinds]]);
  const row = rows[0] as AlarmRow;
  const out: Alarm[] = [];
  if (row.audit) {
    out.push({
      kind: 'audit_verification_failed',
      severity: 'critical',
      subject_id: null,
      message: `The audit log failed verification at entry ${row.audit.first_broken_seq ?? '?'}: records may have been altered.`,
      since: iso(row.audit.verified_at),
      count: 1,
      details: { first_broken_seq: row.audit.first_broken_seq, problem: row.audit.message },
    });
  }
  for (const till of row.silent_tills) {
    out.push({
      kind: 'till_silent',
      severity: 'warning',
      subject_id: till.id,
      message: `${till.name} has not synced since ${iso(till.last_seen)}.`,
      since: iso(till.last_seen),
      count: 1,
      details: { till_id: till.id, name: till.name, outbox_depth: till.outbox_depth === null ? null : Number(till.outbox_depth) },
    });
  }
  for (const item of row.below_zero.items) {
    out.push({
      kind: 'stock_below_zero',
      severity: 'warning',
      subject_id: item.product_id,
      message: `${item.name ?? 'A product'} is at ${Number(item.on_hand)} in stock: more was sold than the records hold.`,
      since: iso(item.updated_at),
      count: 1,
      details: { store_id: item.store_id, product_id: item.product_id, on_hand: Number(item.on_hand), products_below_zero: Number(row.below_zero.n) },
    });
  }
  const quarantined = Number(row.quarantined.n);
  if (quarantined > 0) {
    out.push({ kind: 'quarantined_events', severity: 'warning', subject_id: null, message: `${quarantined} till events are set aside (quarantined) and wait for a look.`, since: iso(row.quarantined.since), count: quarantined, details: {} });
  }
  for (const shift of row.variances) {
    const variance = Number(shift.variance_cents);
    out.push({
      kind: 'cash_variance',
      severity: 'warning',
      subject_id: shift.shift_id,
      message: `A shift closed ${variance < 0 ? 'short' : 'over'} by ${formatKes(Math.abs(variance))}.`,
      since: iso(shift.closed_at),
      count: 1,
      details: { shift_id: shift.shift_id, till_id: shift.till_id, variance_cents: variance },
    });
  }
  const unmatched = Number(row.unmatched.n);
  if (unmatched > 0) {
    out.push({
      kind: 'mpesa_unmatched',
      severity: 'warning',
      subject_id: null,
      message: `${unmatched} M-Pesa payments (${formatKes(Number(row.unmatched.amount))}) are not matched to a sale.`,
      since: iso(row.unmatched.since),
      count: unmatched,
      details: { amount_cents: Number(row.unmatched.amount) },
    });
  }
  return { as_of: isoAt(now), alarms: out };
}
