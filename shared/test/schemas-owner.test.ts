import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PaymeError } from '../src/errors.js';
import { parseInput } from '../src/schemas/errors.js';
import {
  addDays,
  businessDay,
  daysInPeriod,
  isCalendarDay,
  report_page_rows_default,
  report_period_days_max,
} from '../src/schemas/owner-query.js';
import { creditBookQuerySchema, salesQuerySchema, summaryQuerySchema } from '../src/schemas/owner-reports.js';
import { anomalyParamsSchema, appVersion, setting_defaults, setting_keys, setting_schemas, stockQuerySchema } from '../src/schemas/owner-operations.js';
import { pullQuerySchema, pushRequestSchema } from '../src/schemas/sync.js';

function refusal(schema: z.ZodType, value: unknown): { field: string | undefined; message: string } {
  try {
    parseInput(schema, value);
  } catch (error) {
    if (error instanceof PaymeError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('owner report queries (query-string text)', () => {
  it('business days must exist on the calendar', () => {
    expect(isCalendarDay('2026-11-26')).toBe(true);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-30')).toBe(false);
    expect(isCalendarDay('1999-12-31')).toBe(false);
    expect(isCalendarDay('26-11-2026')).toBe(false);
    expect(businessDay.safeParse('2026-13-01').success).toBe(false);
  });

  it('counts and shifts days across months and leap years', () => {
    expect(daysInPeriod('2026-11-26', '2026-11-26')).toBe(1);
    expect(daysInPeriod('2028-02-28', '2028-03-01')).toBe(3);
    expect(addDays('2026-03-01', -7)).toBe('2026-02-22');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('a period ending before it starts, or longer than the limit, names `to`', () => {
    expect(refusal(summaryQuerySchema, { from: '2026-11-26', to: '2026-11-25' })).toMatchObject({ field: 'to' });
    const tooLong = refusal(summaryQuerySchema, { from: '2025-01-01', to: addDays('2025-01-01', report_period_days_max) });
    expect(tooLong.field).toBe('to');
    expect(tooLong.message).toContain(`${report_period_days_max} days`);
    expect(parseInput(summaryQuerySchema, { from: '2026-11-01', to: '2026-11-30', by: 'day' })).toEqual({ from: '2026-11-01', to: '2026-11-30', by: 'day' });
  });

  it('each bad filter is refused with its own field named', () => {
    expect(refusal(salesQuerySchema, { till_id: 'T1' }).field).toBe('till_id');
    expect(refusal(salesQuerySchema, { tender: 'bitcoin' })).toMatchObject({ field: 'tender' });
    expect(refusal(salesQuerySchema, { limit: '0' }).field).toBe('limit');
    expect(refusal(salesQuerySchema, { limit: '5000' }).field).toBe('limit');
    expect(refusal(salesQuerySchema, { cursor: 'a b' }).field).toBe('cursor');
    expect(refusal(salesQuerySchema, { colour: 'red' }).message).toContain('unknown field: colour');
    expect(refusal(creditBookQuerySchema, { over_limit: 'yes' }).field).toBe('over_limit');
    expect(refusal(stockQuerySchema, { store_id: '' }).field).toBe('store_id');
    expect(refusal(anomalyParamsSchema, { event_id: '0190a0b0-0000-7000-8000-000000000001', anomaly_no: '-1' }).field).toBe('anomaly_no');
  });

  it('receipt numbers are matched as printed, whatever the case typed', () => {
    expect(parseInput(salesQuerySchema, { receipt_no: ' t3-000123 ' })).toMatchObject({ receipt_no: 'T3-000123', limit: report_page_rows_default });
    expect(refusal(salesQuerySchema, { receipt_no: '123' }).field).toBe('receipt_no');
  });
});

describe('settings and till health', () => {
  it('every setting has a default and its default passes its own schema', () => {
    for (const key of setting_keys) {
      const fallback = setting_defaults[key];
      if (fallback !== null) expect(setting_schemas[key].safeParse(fallback).success, key).toBe(true);
    }
    expect(setting_schemas.alarm_till_silent_minutes.safeParse(4).success).toBe(false);
    expect(setting_schemas.business_name.parse('  Duka la Mfano ')).toBe('Duka la Mfano');
    expect(setting_schemas.business_address.safeParse('Moi Avenue\u0000').success).toBe(false);
    expect(setting_schemas.time_zone.safeParse('Mars/Olympus').success).toBe(false);
  });

  it('push and pull carry the outbox depth and app version only when the till sends them', () => {
    const push = { till_id: '0190a0b0-0000-7000-8000-000000000001', epoch: 1, events: [{ event_id: '0190a0b0-0000-7000-8000-000000000002', seq: 1, prev_hash: '0'.repeat(64), hash: 'a'.repeat(64) }] };
    expect(pushRequestSchema.safeParse(push).success).toBe(true);
    expect(pushRequestSchema.safeParse({ ...push, outbox_depth: 12, app_version: '1.4.2' }).success).toBe(true);
    expect(pushRequestSchema.safeParse({ ...push, outbox_depth: -1 }).success).toBe(false);
    expect(parseInput(pullQuerySchema, { after: '5', outbox_depth: '3', app_version: '1.5.0-beta.1' })).toEqual({ after: '5', wait: 0, outbox_depth: 3, app_version: '1.5.0-beta.1' });
    expect(refusal(pullQuerySchema, { outbox_depth: 'many' }).field).toBe('outbox_depth');
    expect(appVersion.safeParse('latest').success).toBe(false);
  });
});
