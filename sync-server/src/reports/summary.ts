/**
 * `GET /v1/reports/summary` (DESIGN §12, UX "Log in … see today's takings"): the figures of a
 * period by tender, store, till, cashier and hour or day, against the same period a week
 * earlier, read from the rollups in ONE statement (the daily rollup, and the hourly one for a
 * by-hour series). `summaryQuery` is exported so the benchmark times exactly this SQL.
 */
import {
  addDays,
  report_currency,
  report_hourly_days_max,
  tender_kinds,
  type SalesTotals,
  type SummaryQuery,
  type SummaryResponse,
  type TenderTotals,
} from '@payme/shared';
import type { Db } from '../db/db.js';
import { badRequest } from '../http/errors.js';
import { weekEarlier, type Period } from './report-period.js';

/** Sums of the rollup measures, as SQL select items. */
const sums = `sum(sale_count)::bigint AS sale_count, sum(void_count)::bigint AS void_count, sum(refund_count)::bigint AS refund_count,
  sum(gross_cents)::bigint AS gross_cents, sum(discount_cents)::bigint AS discount_cents, sum(refund_cents)::bigint AS refund_cents,
  sum(vat_cents)::bigint AS vat_cents, sum(rounding_cents)::bigint AS rounding_cents, sum(cost_cents)::bigint AS cost_cents,
  sum(costed_ex_vat_cents)::bigint AS costed_ex_vat_cents, sum(uncosted_cents)::bigint AS uncosted_cents,
  sum(tender_cents)::bigint AS tender_cents, sum(tender_refund_cents)::bigint AS tender_refund_cents`;

export interface Sums {
  sale_count: number;
  void_count: number;
  refund_count: number;
  gross_cents: number;
  discount_cents: number;
  refund_cents: number;
  vat_cents: number;
  rounding_cents: number;
  cost_cents: number;
  costed_ex_vat_cents: number;
  uncosted_cents: number;
  tender_cents: number;
  tender_refund_cents: number;
}

interface GroupRow extends Sums {
  g_tender: number;
  g_store: number;
  g_till: number;
  g_cashier: number;
  g_day: number;
  tender: string | null;
  store_id: string | null;
  till_id: string | null;
  cashier_id: string | null;
  business_day: string | null;
}

interface SummaryRow {
  current: GroupRow[] | null;
  previous: GroupRow[] | null;
  hours: (Sums & { business_day: string; hour: number })[] | null;
  stores: { id: string; name: string }[];
  tills: { id: string; name: string; store_id: string }[];
  staff: { id: string; name: string }[];
}

const grouping = `GROUPING(tender) AS g_tender, GROUPING(store_id) AS g_store, GROUPING(till_id) AS g_till, GROUPING(cashier_id) AS g_cashier,
  GROUPING(business_day) AS g_day, tender, store_id::text AS store_id, till_id::text AS till_id, cashier_id::text AS cashier_id,
  business_day::text AS business_day`;

/**
 * $1 business, $2/$3 the period, $4/$5 the week before, $6 a store or null, $7 whether to read the
 * hourly series.
 */
export const summary_sql = `SELECT
  (SELECT json_agg(g) FROM (
     SELECT ${grouping}, ${sums} FROM sales_rollup_daily
      WHERE business_id = $1 AND business_day BETWEEN $2::date AND $3::date AND ($6::uuid IS NULL OR store_id = $6::uuid)
      GROUP BY GROUPING SETS ((), (tender), (store_id), (till_id), (cashier_id), (business_day))) g) AS current,
  (SELECT json_agg(g) FROM (
     SELECT GROUPING(tender) AS g_tender, 1 AS g_store, 1 AS g_till, 1 AS g_cashier, 1 AS g_day, tender, ${sums} FROM sales_rollup_daily
      WHERE business_id = $1 AND business_day BETWEEN $4::date AND $5::date AND ($6::uuid IS NULL OR store_id = $6::uuid)
      GROUP BY GROUPING SETS ((), (tender))) g) AS previous,
  (SELECT json_agg(h) FROM (
     SELECT business_day::text AS business_day, hour, ${sums} FROM sales_rollup_hourly
      WHERE $7 AND business_id = $1 AND business_day BETWEEN $2::date AND $3::date AND ($6::uuid IS NULL OR store_id = $6::uuid)
      GROUP BY business_day, hour) h) AS hours,
  (SELECT COALESCE(json_agg(json_build_object('id', s.id, 'name', s.name)), '[]'::json) FROM stores s WHERE s.business_id = $1) AS stores,
  (SELECT COALESCE(json_agg(json_build_object('id', t.id, 'name', t.name, 'store_id', t.store_id)), '[]'::json) FROM tills t WHERE t.business_id = $1) AS tills,
  (SELECT COALESCE(json_agg(json_build_object('id', p.id, 'name', p.name)), '[]'::json) FROM staff p WHERE p.business_id = $1) AS staff`;

export interface SummaryPlan {
  period: Period;
  previous: Period;
  by: 'hour' | 'day';
  store_id: string | null;
}

export function planSummary(query: SummaryQuery, period: Period): SummaryPlan {
  const by = query.by ?? (period.days === 1 ? 'hour' : 'day');
  if (by === 'hour' && period.days > report_hourly_days_max) {
    throw badRequest('invalid_input', `by: an hourly series covers at most ${report_hourly_days_max} days; use by=day`, 'by');
  }
  return { period, previous: weekEarlier(period), by, store_id: query.store_id ?? null };
}

export function summaryParams(businessId: string, plan: SummaryPlan): unknown[] {
  return [businessId, plan.period.from, plan.period.to, plan.previous.from, plan.previous.to, plan.store_id, plan.by === 'hour'];
}

const zero_sums: Sums = {
  sale_count: 0,
  void_count: 0,
  refund_count: 0,
  gross_cents: 0,
  discount_cents: 0,
  refund_cents: 0,
  vat_cents: 0,
  rounding_cents: 0,
  cost_cents: 0,
  costed_ex_vat_cents: 0,
  uncosted_cents: 0,
  tender_cents: 0,
  tender_refund_cents: 0,
};

function numbers(row: Partial<Sums> | undefined): Sums {
  const out = { ...zero_sums };
  if (row) for (const key of Object.keys(zero_sums) as (keyof Sums)[]) out[key] = Number(row[key] ?? 0);
  return out;
}

/** The report's figures from rollup sums (see salesTotalsSchema for what each one means). */
export function totalsOf(row: Partial<Sums> | undefined): SalesTotals {
  const s = numbers(row);
  const sold = s.gross_cents - s.discount_cents;
  return {
    gross_cents: s.gross_cents,
    discount_cents: s.discount_cents,
    refund_cents: s.refund_cents,
    net_cents: sold - s.refund_cents,
    vat_cents: s.vat_cents,
    rounding_cents: s.rounding_cents,
    cost_cents: s.cost_cents,
    gross_profit_cents: s.costed_ex_vat_cents - s.cost_cents,
    uncosted_cents: s.uncosted_cents,
    sale_count: s.sale_count,
    void_count: s.void_count,
    refund_count: s.refund_count,
    average_basket_cents: s.sale_count > 0 ? Math.round(sold / s.sale_count) : 0,
  };
}

export function tenderTotalsOf(rows: readonly (Partial<Sums> & { tender: string | null })[]): TenderTotals[] {
  return tender_kinds.map((tender) => {
    const s = numbers(rows.find((row) => row.tender === tender));
    return { tender, amount_cents: s.tender_cents, refund_cents: s.tender_refund_cents, net_cents: s.tender_cents - s.tender_refund_cents };
  });
}

function daysOf(period: Period): string[] {
  return Array.from({ length: period.days }, (_, index) => addDays(period.from, index));
}

function series(plan: SummaryPlan, row: SummaryRow): SummaryResponse['series'] {
  const point = (business_day: string, hour: number | null, sums: Partial<Sums> | undefined) => {
    const totals = totalsOf(sums);
    return { business_day, hour, net_cents: totals.net_cents, sale_count: totals.sale_count, gross_profit_cents: totals.gross_profit_cents };
  };
  if (plan.by === 'hour') {
    const byHour = new Map((row.hours ?? []).map((hour) => [`${hour.business_day}|${hour.hour}`, hour]));
    return { by: 'hour', points: daysOf(plan.period).flatMap((day) => Array.from({ length: 24 }, (_, hour) => point(day, hour, byHour.get(`${day}|${hour}`)))) };
  }
  const byDay = new Map((row.current ?? []).filter((group) => group.g_day === 0).map((group) => [group.business_day as string, group]));
  return { by: 'day', points: daysOf(plan.period).map((day) => point(day, null, byDay.get(day))) };
}

export async function runSummary(db: Db, businessId: string, plan: SummaryPlan): Promise<SummaryRow> {
  const rows = await db.query<SummaryRow>(summary_sql, summaryParams(businessId, plan));
  return rows[0] as SummaryRow;
}

/** Only the totals row of a grouping-sets result (every grouping column rolled up). */
const isTotal = (group: GroupRow) => group.g_tender + group.g_store + group.g_till + group.g_cashier + group.g_day === 5;

export function shapeSummary(
  plan: SummaryPlan,
  row: SummaryRow,
  business: { time_zone: string; business_day_cutoff: string },
  today: string,
  asOf: string,
): SummaryResponse {
  const current = row.current ?? [];
  const previous = row.previous ?? [];
  const names = <T extends { id: string }>(list: readonly T[]) => new Map(list.map((item) => [item.id, item]));
  const stores = names(row.stores);
  const tills = names(row.tills);
  const staff = names(row.staff);
  const only = (flag: keyof Pick<GroupRow, 'g_store' | 'g_till' | 'g_cashier' | 'g_tender'>) => current.filter((group) => group[flag] === 0);
  return {
    from: plan.period.from,
    to: plan.period.to,
    currency: report_currency,
    time_zone: business.time_zone,
    business_day_cutoff: business.business_day_cutoff,
    today,
    as_of: asOf,
    totals: totalsOf(current.find(isTotal)),
    by_tender: tenderTotalsOf(only('g_tender')),
    by_store: only('g_store').map((group) => ({ store_id: group.store_id as string, name: stores.get(group.store_id as string)?.name ?? '', totals: totalsOf(group) })),
    by_till: only('g_till').map((group) => {
      const till = tills.get(group.till_id as string);
      return { till_id: group.till_id as string, store_id: till?.store_id ?? (group.store_id as string), name: till?.name ?? '', totals: totalsOf(group) };
    }),
    by_cashier: only('g_cashier').map((group) => ({ cashier_id: group.cashier_id as string, name: staff.get(group.cashier_id as string)?.name ?? null, totals: totalsOf(group) })),
    series: series(plan, row),
    previous: {
      from: plan.previous.from,
      to: plan.previous.to,
      totals: totalsOf(previous.find(isTotal)),
      by_tender: tenderTotalsOf(previous.filter((group) => group.g_tender === 0)),
    },
  };
}
