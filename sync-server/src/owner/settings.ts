/**
 * Business settings (owner writes), each key with its own schema (shared's `setting_schemas`, so
 * the owner web view's forms check the same rules). The name, time zone and business-day cutoff
 * live on the business row too, because the session answer and "today" queries use them.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { setting_defaults, setting_keys, setting_schemas, type SettingKey } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
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
    const rows = await deps.db.query<{ key: string; value: unknown }>('SELECT key, value FROM settings WHERE business_id = $1', [principal.business_id]);
    const settings: Record<string, unknown> = { ...setting_defaults };
    for (const row of rows) settings[row.key] = row.value;
    return { settings };
  });

  app.put('/v1/settings/:key', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { key } = parseInput(keyParams, request.params, 'params');
    const body = parseInput(valueBody, request.body);
    if (body.value === undefined) throw badRequest('invalid_input', 'value: is required', 'value');
    const value: unknown = parseInput(strictBody({ value: setting_schemas[key] }), body).value;
    return ownerWrite(deps, principal, async (tx, now) => {
      const before = await tx.query<{ value: unknown }>('SELECT value FROM settings WHERE business_id = $1 AND key = $2 FOR UPDATE', [principal.business_id, key]);
      const calendar = await tx.query<{ time_zone: string; business_day_cutoff: string }>('SELECT time_zone, business_day_cutoff FROM businesses WHERE id = $1 FOR UPDATE', [principal.business_id]);
      await tx.query(
        `INSERT INTO settings (business_id, key, value, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (business_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [principal.business_id, key, JSON.stringify(value), new Date(now).toISOString()],
      );
      if (key === 'time_zone') await tx.query('UPDATE businesses SET time_zone = $2 WHERE id = $1', [principal.business_id, value]);
      if (key === 'business_name') await tx.query('UPDATE businesses SET name = $2 WHERE id = $1', [principal.business_id, value]);
      if (key === 'business_day_cutoff') await tx.query('UPDATE businesses SET business_day_cutoff = $2 WHERE id = $1', [principal.business_id, value]);
      // The rollups' business days follow the calendar: cut them again, in this transaction.
      if ((key === 'time_zone' || key === 'business_day_cutoff') && calendar[0]?.[key] !== value) {
        await rebuildRollupsIn(tx, principal.business_id);
      }
      const from = before[0] ? before[0].value : setting_defaults[key];
      const setting = { key, value };
      return { audit: { kind: 'setting.changed', subject: key, data: { from, to: value } }, feed: { kind: 'setting', entity_id: key, data: setting }, response: setting };
    });
  });
}
