/**
 * Business settings (owner writes), each key with its own schema. The time zone and the
 * business-day cutoff live on the business row too, because "today" queries use them.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { reason_chars_max } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { badRequest, parseInput } from '../http/errors.js';
import { boundedText, strictBody } from '../http/input.js';
import { ownerWrite } from './owner-write.js';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const setting_schemas = {
  time_zone: z
    .string({ error: 'must be a time zone like Africa/Nairobi' })
    .max(64, { error: 'must be a time zone like Africa/Nairobi' })
    .refine((zone) => /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) && isTimeZone(zone), { error: 'must be a time zone like Africa/Nairobi' }),
  business_day_cutoff: z.string({ error: 'must be a time like 04:00' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time like 04:00' }),
  receipt_header: boundedText(reason_chars_max, 'text'),
  receipt_footer: boundedText(reason_chars_max, 'text'),
  credit_sales_enabled: z.boolean({ error: 'must be true or false' }),
  /** DESIGN §7: trust the secret callback path instead of confirming with STK Query. */
  mpesa_trust_callback_path: z.boolean({ error: 'must be true or false' }),
  /** DESIGN §8: the same phone and amount within this window asks for confirmation. */
  duplicate_payment_window_seconds: z.number({ error: 'must be a whole number of seconds' }).int({ error: 'must be a whole number of seconds' }).min(0, { error: 'may not be negative' }).max(3600, { error: 'may be at most 3600' }),
  /** KRA PIN printed on receipts. */
  kra_pin: z.string({ error: 'must be a KRA PIN like P051234567X' }).regex(/^[AP]\d{9}[A-Z]$/, { error: 'must be a KRA PIN like P051234567X' }),
} as const;

export type SettingKey = keyof typeof setting_schemas;
export const setting_keys = Object.keys(setting_schemas) as SettingKey[];

export const setting_defaults: Record<SettingKey, unknown> = {
  time_zone: 'Africa/Nairobi',
  business_day_cutoff: '00:00',
  receipt_header: null,
  receipt_footer: 'Asante kwa kununua!',
  credit_sales_enabled: true,
  mpesa_trust_callback_path: false,
  duplicate_payment_window_seconds: 120,
  kra_pin: null,
};

const keyParams = strictBody({ key: z.enum(setting_keys as [SettingKey, ...SettingKey[]], { error: `must be one of ${setting_keys.join(', ')}` }) });
const valueBody = strictBody({ value: z.unknown() });

export async function registerSettingRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/v1/settings', { config: { access: 'manager' } }, async (request) => {
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
      await tx.query(
        `INSERT INTO settings (business_id, key, value, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (business_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [principal.business_id, key, JSON.stringify(value), new Date(now).toISOString()],
      );
      if (key === 'time_zone') await tx.query('UPDATE businesses SET time_zone = $2 WHERE id = $1', [principal.business_id, value]);
      if (key === 'business_day_cutoff') await tx.query('UPDATE businesses SET business_day_cutoff = $2 WHERE id = $1', [principal.business_id, value]);
      const from = before[0] ? before[0].value : setting_defaults[key];
      const setting = { key, value };
      return { audit: { kind: 'setting.changed', subject: key, data: { from, to: value } }, feed: { kind: 'setting', entity_id: key, data: setting }, response: setting };
    });
  });
}
