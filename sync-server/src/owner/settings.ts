/**
 * Business settings (owner writes), each key with its own schema (shared's `setting_schemas`, so
 * the owner web view's forms check the same rules). The name, time zone and business-day cutoff
 * live on the business row too, because the session answer and "today" queries use them.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { removed_setting_keys, setting_defaults, setting_keys, setting_schemas, type SettingKey } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { Db } from '../db/db.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { badRequest, parseInput } from '../http/errors.js';
import { strictBody } from '../http/input.js';
import { ownerWrite } from './owner-write.js';
import { rebuildRollupsIn } from '../reports/rollup-catch-up.js';

const keyParams = strictBody({ key: z.enum(setting_keys as [SettingKey, ...SettingKey[]], { error: `must be one of ${setting_keys.join(', ')}` }) });
const valueBody = strictBody({ value: z.unknown() });

export async function registerSettingRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  // Owner only (DESIGN §12): managers see no settings; pages format with the session's calendar.
  app.get('/v1/settings', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    // Only keys this release has: a row of a removed setting (an older release wrote it) is not shown.
    const rows = await deps.db.query<{ key: string; value: unknown }>('SELECT key, value FROM settings WHERE business_id = $1 AND key = ANY($2::text[])', [principal.business_id, setting_keys]);
    const settings: Record<string, unknown> = { ...setting_defaults };
    for (const row of rows) settings[row.key] = row.value;
    return { settings };
  });

  app.put('/v1/settings/:key', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    refuseRemoved((request.params as { key?: unknown }).key);
    const { key } = parseInput(keyParams, request.params, 'params');
    const body = parseInput(valueBody, request.body);
    if (body.value === undefined) throw badRequest('invalid_input', 'value: is required', 'value');
    const value: unknown = parseInput(strictBody({ value: setting_schemas[key] }), body).value;
    return ownerWrite(deps, principal, async (tx, now) => {
      const from = await writeSetting(tx, principal.business_id, key, value, now);
      const setting = { key, value };
      return { audit: { kind: 'setting.changed', subject: key, data: { from, to: value } }, feed: { kind: 'setting', entity_id: key, data: setting }, response: setting };
    });
  });

  // Several settings at once (the owner's Settings form): every value is checked first and every
  // refusal named by its key; then all are written in one transaction, or none.
  app.patch('/v1/settings', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { settings } = parseInput(settingsPatchBody, request.body);
    const entries = Object.entries(settings) as Array<[SettingKey, unknown]>;
    if (entries.length === 0) throw badRequest('invalid_input', 'settings: name at least one setting to change', 'settings');
    const values = checkSettings(entries);
    return ownerWrite(deps, principal, async (tx, now) => {
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, value] of values) changed[key] = { from: await writeSetting(tx, principal.business_id, key, value, now), to: value };
      return {
        audit: { kind: 'settings.changed', subject: principal.business_id, data: { changed } },
        feed: values.map(([key, value]) => ({ kind: 'setting', entity_id: key, data: { key, value } })),
        response: { settings: Object.fromEntries(values) },
      };
    });
  });
}

const settingsPatchBody = strictBody({
  settings: z.record(z.string(), z.unknown(), { error: 'must be an object of setting keys and values' }),
});

function checkSettings(entries: ReadonlyArray<[string, unknown]>): Array<[SettingKey, unknown]> {
  const values: Array<[SettingKey, unknown]> = [];
  const errors: Array<{ field: string; message: string }> = [];
  for (const [key, value] of entries) {
    if (!(setting_keys as string[]).includes(key)) {
      errors.push({ field: key, message: removedMessage(key) ?? `is not a setting; use one of ${setting_keys.join(', ')}` });
      continue;
    }
    const parsed = setting_schemas[key as SettingKey].safeParse(value);
    if (parsed.success) values.push([key as SettingKey, parsed.data]);
    else errors.push({ field: key, message: parsed.error.issues[0]?.message ?? 'is not acceptable' });
  }
  const first = errors[0];
  if (first) throw badRequest('invalid_input', `${first.field}: ${first.message}`, first.field, { errors });
  return values;
}

function removedMessage(key: string): string | undefined {
  return Object.hasOwn(removed_setting_keys, key) ? removed_setting_keys[key] : undefined;
}

/** A setting an older release took and nothing read is refused in words, never answered 200 (issue 12). */
function refuseRemoved(key: unknown): void {
  const message = typeof key === 'string' ? removedMessage(key) : undefined;
  if (message !== undefined) throw badRequest('invalid_input', `key: ${String(key)} ${message}`, 'key');
}

/** Writes one setting (and its copy on the business row); answers its previous value. */
async function writeSetting(tx: Db, businessId: string, key: SettingKey, value: unknown, now: number): Promise<unknown> {
  const before = await tx.query<{ value: unknown }>('SELECT value FROM settings WHERE business_id = $1 AND key = $2 FOR UPDATE', [businessId, key]);
  const calendar = await tx.query<{ time_zone: string; business_day_cutoff: string }>('SELECT time_zone, business_day_cutoff FROM businesses WHERE id = $1 FOR UPDATE', [businessId]);
  await tx.query(
    `INSERT INTO settings (business_id, key, value, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (business_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [businessId, key, JSON.stringify(value), new Date(now).toISOString()],
  );
  if (key === 'time_zone') await tx.query('UPDATE businesses SET time_zone = $2 WHERE id = $1', [businessId, value]);
  if (key === 'business_name') await tx.query('UPDATE businesses SET name = $2 WHERE id = $1', [businessId, value]);
  if (key === 'business_day_cutoff') await tx.query('UPDATE businesses SET business_day_cutoff = $2 WHERE id = $1', [businessId, value]);
  // The rollups' business days follow the calendar: cut them again, in this transaction.
  if ((key === 'time_zone' || key === 'business_day_cutoff') && calendar[0]?.[key] !== value) {
    await rebuildRollupsIn(tx, businessId);
  }
  return before[0] ? before[0].value : setting_defaults[key];
}
