/**
 * Tills for the owner web view: each till's health (last push and pull, what it reports about its
 * outbox and version, its feed cursor, alarms), retiring a till (its device token stops working),
 * enrollment codes (listed by id, revoked before use), and whether each till has a product's
 * latest catalog change yet (its feed cursor has passed the change).
 */
import type { FastifyInstance } from 'fastify';
import {
  enrollmentCodeParamsSchema,
  isoAt,
  setting_defaults,
  tillParamsSchema,
  tillRetireBodySchema,
  type TillRow,
} from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { Db } from '../db/db.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { conflict, notFound, parseInput } from '../http/errors.js';
import { idParams } from '../http/input.js';
import { ownerWrite } from './owner-write.js';

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

const till_columns = `t.id::text AS id, t.store_id::text AS store_id, t.name, t.receipt_prefix, t.epoch, t.acked_seq, t.fenced, t.retired_at,
  t.created_at, t.last_push_at, t.last_pull_at, t.outbox_depth, t.outbox_reported_at, t.app_version, t.feed_seq`;

function tillOut(row: Record<string, unknown>, silentMinutes: number, now: number): TillRow {
  const lastSeen = Math.max(...[row.last_push_at, row.last_pull_at, row.created_at].map((value) => (value ? new Date(value as string).getTime() : 0)));
  const retired = row.retired_at !== null;
  const alarms: TillRow['alarms'] = [];
  if (!retired && !row.fenced && now - lastSeen > silentMinutes * 60_000) alarms.push('till_silent');
  if (!retired && Number(row.outbox_depth ?? 0) > 0) alarms.push('till_unsynced');
  return {
    id: row.id as string,
    store_id: row.store_id as string,
    name: row.name as string,
    receipt_prefix: row.receipt_prefix as string,
    epoch: Number(row.epoch),
    acked_seq: Number(row.acked_seq),
    fenced: row.fenced as boolean,
    retired_at: iso(row.retired_at),
    created_at: iso(row.created_at) as string,
    last_push_at: iso(row.last_push_at),
    last_pull_at: iso(row.last_pull_at),
    outbox_depth: row.outbox_depth === null ? null : Number(row.outbox_depth),
    outbox_reported_at: iso(row.outbox_reported_at),
    app_version: (row.app_version as string | null) ?? null,
    feed_seq: row.feed_seq === null ? null : Number(row.feed_seq),
    alarms,
  };
}

async function silentMinutes(db: Db, businessId: string): Promise<number> {
  const rows = await db.query<{ value: unknown }>("SELECT value FROM settings WHERE business_id = $1 AND key = 'alarm_till_silent_minutes'", [businessId]);
  return typeof rows[0]?.value === 'number' ? rows[0].value : (setting_defaults.alarm_till_silent_minutes as number);
}

function codeOut(row: Record<string, unknown>, now: number) {
  const status = row.revoked_at !== null ? 'revoked' : row.used_at !== null ? 'used' : new Date(row.expires_at as string).getTime() <= now ? 'expired' : 'open';
  return {
    code_id: row.code_id as string,
    store_id: row.store_id as string,
    created_at: iso(row.created_at) as string,
    expires_at: iso(row.expires_at) as string,
    used_at: iso(row.used_at),
    used_by_till_id: (row.used_by_till_id as string | null) ?? null,
    revoked_at: iso(row.revoked_at),
    status: status as 'open' | 'used' | 'expired' | 'revoked',
  };
}

const code_columns = `code_id::text AS code_id, store_id::text AS store_id, created_at, expires_at, used_at, used_by_till_id::text AS used_by_till_id, revoked_at`;

export async function registerTillRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/v1/tills', { config: { access: 'manager' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const rows = await deps.db.query<Record<string, unknown>>(`SELECT ${till_columns} FROM tills t WHERE t.business_id = $1 ORDER BY t.receipt_prefix`, [principal.business_id]);
    const minutes = await silentMinutes(deps.db, principal.business_id);
    const now = deps.clock.now();
    return { tills: rows.map((row) => tillOut(row, minutes, now)) };
  });

  app.post('/v1/tills/:id/retire', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { id } = parseInput(tillParamsSchema, request.params, 'params');
    const body = parseInput(tillRetireBodySchema, request.body);
    const row = await ownerWrite(deps, principal, async (tx, now) => {
      const rows = await tx.query<Record<string, unknown>>(`SELECT ${till_columns} FROM tills t WHERE t.business_id = $1 AND t.id = $2 FOR UPDATE`, [principal.business_id, id]);
      const till = rows[0];
      if (!till) throw notFound('Till', 'id');
      if (till.retired_at !== null) throw conflict('already_retired', 'This till was already retired', 'id', { retired_at: iso(till.retired_at) });
      const updated = await tx.query<Record<string, unknown>>(
        `UPDATE tills t SET retired_at = $3, retired_by = $4, retired_reason = $5 WHERE t.business_id = $1 AND t.id = $2 RETURNING ${till_columns}`,
        [principal.business_id, id, isoAt(now), principal.staff_id, body.reason],
      );
      const retired = updated[0] as Record<string, unknown>;
      return {
        audit: { kind: 'till.retired', subject: id, data: { reason: body.reason } },
        feed: { kind: 'till', entity_id: id, data: { id, name: retired.name, store_id: retired.store_id, retired_at: isoAt(now) } },
        response: retired,
      };
    });
    return tillOut(row, await silentMinutes(deps.db, principal.business_id), deps.clock.now());
  });

  app.get('/v1/enrollment-codes', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const rows = await deps.db.query<Record<string, unknown>>(
      `SELECT ${code_columns} FROM enrollment_codes WHERE business_id = $1 AND code_id IS NOT NULL ORDER BY created_at DESC, code_id LIMIT 200`,
      [principal.business_id],
    );
    const now = deps.clock.now();
    return { codes: rows.map((row) => codeOut(row, now)) };
  });

  app.delete('/v1/enrollment-codes/:code_id', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { code_id } = parseInput(enrollmentCodeParamsSchema, request.params, 'params');
    const row = await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      const rows = await tx.query<Record<string, unknown>>(`SELECT ${code_columns} FROM enrollment_codes WHERE business_id = $1 AND code_id = $2 FOR UPDATE`, [principal.business_id, code_id]);
      const code = rows[0];
      if (!code) throw notFound('Enrollment code', 'code_id');
      if (code.used_at !== null) throw conflict('enrollment_code_used', 'This code was already used by a till; retire the till instead', 'code_id');
      if (code.revoked_at !== null) return code;
      const updated = await tx.query<Record<string, unknown>>(
        `UPDATE enrollment_codes SET revoked_at = $3, revoked_by = $4 WHERE business_id = $1 AND code_id = $2 RETURNING ${code_columns}`,
        [principal.business_id, code_id, isoAt(now), principal.staff_id],
      );
      await deps.audit.append(tx, principal.business_id, { kind: 'enrollment_code.revoked', actor: principal.staff_id, subject: code_id, data: { store_id: code.store_id }, occurred_at: isoAt(now) });
      return updated[0] as Record<string, unknown>;
    });
    await deps.audit.maybeCheckpoint(deps.db, principal.business_id);
    return codeOut(row, deps.clock.now());
  });

  app.get('/v1/products/:id/tills', { config: { access: 'manager' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { id } = parseInput(idParams, request.params, 'params');
    const rows = await deps.db.query<{ found: boolean; change_seq: number | null; changed_at: Date | null; tills: Record<string, unknown>[] }>(
      `SELECT EXISTS (SELECT 1 FROM products WHERE business_id = $1 AND id = $2::uuid) AS found,
              c.change_seq, c.created_at AS changed_at,
              (SELECT COALESCE(json_agg(json_build_object('till_id', t.id, 'name', t.name, 'store_id', t.store_id, 'feed_seq', t.feed_seq,
                        'last_pull_at', t.last_pull_at) ORDER BY t.receipt_prefix), '[]'::json)
                 FROM tills t WHERE t.business_id = $1 AND t.retired_at IS NULL) AS tills
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT change_seq, created_at FROM feed_changes
                             WHERE business_id = $1 AND kind IN ('product', 'price') AND entity_id = $2 ORDER BY change_seq DESC LIMIT 1) c ON true`,
      [principal.business_id, id],
    );
    const row = rows[0];
    if (!row?.found) throw notFound('Product', 'id');
    const changeSeq = row.change_seq === null ? null : Number(row.change_seq);
    return {
      product_id: id,
      change_seq: changeSeq,
      changed_at: iso(row.changed_at),
      tills: row.tills.map((till) => {
        const feedSeq = till.feed_seq === null ? null : Number(till.feed_seq);
        return {
          till_id: till.till_id as string,
          name: till.name as string,
          store_id: till.store_id as string,
          feed_seq: feedSeq,
          last_pull_at: iso(till.last_pull_at),
          has_change: changeSeq === null || (feedSeq !== null && feedSeq >= changeSeq),
        };
      }),
    };
  });
}

