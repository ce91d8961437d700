/**
 * Staff and their PINs (owner writes). PIN hashes travel to the business's tills on the feed so
 * cashiers and managers can sign in offline; password hashes never leave the server, and
 * neither kind of hash enters the audit log (only the fact that it changed).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { email as emailField, newPassword as passwordField, pin_digits_max, pin_digits_min, uuidv7 } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import type { Db } from '../db/db.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { badRequest, conflict, notFound, parseInput } from '../http/errors.js';
import { idParams, nameField, strictBody, uuidField } from '../http/input.js';
import { ownerWrite } from './owner-write.js';
import { listPage, lockForPatch, type OwnerTable } from './owner-table.js';

const roleField = z.enum(['owner', 'manager', 'cashier'], { error: 'must be owner, manager or cashier' });
export const pinField = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a PIN') })
  .regex(new RegExp(`^\\d{${pin_digits_min},${pin_digits_max}}$`), { error: `must be ${pin_digits_min} to ${pin_digits_max} digits` });

const staffCreateBody = strictBody({
  id: uuidField.optional(),
  name: nameField,
  role: roleField,
  email: emailField.optional(),
  password: passwordField.optional(),
  pin: pinField.optional(),
});

const staffPatchBody = strictBody({
  name: nameField.optional(),
  role: roleField.optional(),
  email: emailField.nullable().optional(),
  active: z.boolean({ error: 'must be true or false' }).optional(),
});

const pinBody = strictBody({ pin: pinField });
const passwordBody = strictBody({ password: passwordField });

export interface StaffMember {
  id: string;
  name: string;
  role: 'owner' | 'manager' | 'cashier';
  email: string | null;
  active: boolean;
  has_pin: boolean;
  has_password: boolean;
  updated_at: string;
}

/** What tills receive: the PIN hash so they can check PINs offline, never the password hash. */
export interface StaffFeedData extends Omit<StaffMember, 'has_pin' | 'has_password'> {
  pin_hash: string | null;
}

const staff_columns = `id::text AS id, name, role, email, active, pin_hash, password_hash, updated_at`;
const staff_table: OwnerTable = { name: 'staff', columns: staff_columns, noun: 'staff member' };
type StaffRow = Omit<StaffMember, 'has_pin' | 'has_password' | 'updated_at'> & { pin_hash: string | null; password_hash: string | null; updated_at: Date | string };

function toStaff(row: StaffRow): StaffMember {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    email: row.email,
    active: row.active,
    has_pin: row.pin_hash !== null,
    has_password: row.password_hash !== null,
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

function feedData(row: StaffRow): StaffFeedData {
  const { has_pin: _pin, has_password: _password, ...rest } = toStaff(row);
  return { ...rest, pin_hash: row.pin_hash };
}

function checkRoleRules(role: StaffMember['role'], email: string | null, password: string | null | undefined): void {
  if (role !== 'cashier' && !email) throw badRequest('invalid_input', 'email: owners and managers need an email to sign in', 'email');
  if (role === 'cashier' && password) throw badRequest('invalid_input', 'password: cashiers sign in with a PIN at the till, not a password', 'password');
}

/** Refuses a change that would leave the business without an active owner. */
async function assertAnotherOwner(tx: Db, businessId: string, staffId: string): Promise<void> {
  const rows = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM staff WHERE business_id = $1 AND role = 'owner' AND active AND id <> $2`,
    [businessId, staffId],
  );
  if ((rows[0]?.n ?? 0) === 0) throw conflict('last_owner', 'The business must keep at least one active owner', 'role');
}

export async function registerStaffRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const { config, random, hasher } = deps;

  // Owner only (DESIGN §12): managers see no staff records.
  app.get('/v1/staff', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const rows = await listPage<StaffRow>(deps.db, staff_table, principal.business_id, request.query);
    return { staff: rows.map(toStaff) };
  });

  app.post('/v1/staff', { config: { access: 'owner' } }, async (request, reply) => {
    const principal = request.principal as StaffPrincipal;
    const body = parseInput(staffCreateBody, request.body);
    const email = body.email?.toLowerCase() ?? null;
    checkRoleRules(body.role, email, body.password);
    // Slow hashes are computed before the transaction so no row lock waits on scrypt.
    const pinHash = body.pin === undefined ? null : await hasher.hash(body.pin, config.pin_hash_cost);
    const passwordHash = body.password === undefined ? null : await hasher.hash(body.password, config.password_hash_cost);
    const created = await ownerWrite(deps, principal, async (tx, now) => {
      const at = new Date(now).toISOString();
      const rows = await tx.query<StaffRow>(
        `INSERT INTO staff (id, business_id, name, role, email, password_hash, pin_hash, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $8) RETURNING ${staff_columns}`,
        [body.id ?? uuidv7(deps.clock, random), principal.business_id, body.name, body.role, email, passwordHash, pinHash, at],
      );
      const row = rows[0] as StaffRow;
      const staff = toStaff(row);
      return { audit: { kind: 'staff.created', subject: staff.id, data: staff }, feed: { kind: 'staff', entity_id: staff.id, data: feedData(row) }, response: staff };
    });
    return reply.status(201).send(created);
  });

  app.patch('/v1/staff/:id', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { id } = parseInput(idParams, request.params, 'params');
    const body = parseInput(staffPatchBody, request.body);
    const fields = Object.keys(body) as Array<keyof typeof body>;
    if (fields.length === 0) throw badRequest('invalid_input', 'body: name at least one field to change', 'body');
    return ownerWrite(deps, principal, async (tx, now) => {
      const old = await lockForPatch<StaffRow>(tx, staff_table, principal.business_id, id);
      const role = body.role ?? old.role;
      const email = body.email === undefined ? old.email : (body.email?.toLowerCase() ?? null);
      const active = body.active ?? old.active;
      checkRoleRules(role, email, null);
      if (old.role === 'owner' && old.active && (role !== 'owner' || !active)) await assertAnotherOwner(tx, principal.business_id, id);
      // A cashier has no password: demoting drops it, so an old password cannot sign in again.
      const rows = await tx.query<StaffRow>(
        `UPDATE staff SET name = $3, role = $4, email = $5, active = $6, updated_at = $7,
                password_hash = CASE WHEN $4 = 'cashier' THEN NULL ELSE password_hash END
          WHERE business_id = $1 AND id = $2 RETURNING ${staff_columns}`,
        [principal.business_id, id, body.name ?? old.name, role, email, active, new Date(now).toISOString()],
      );
      const row = rows[0] as StaffRow;
      if (!active || role === 'cashier') await tx.query('DELETE FROM sessions WHERE business_id = $1 AND staff_id = $2', [principal.business_id, id]);
      const staff = toStaff(row);
      const oldStaff = toStaff(old);
      const changed = Object.fromEntries(fields.map((field) => [field, { from: oldStaff[field], to: staff[field] }]));
      return { audit: { kind: 'staff.updated', subject: id, data: { changed } }, feed: { kind: 'staff', entity_id: id, data: feedData(row) }, response: staff };
    });
  });

  app.put('/v1/staff/:id/pin', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { id } = parseInput(idParams, request.params, 'params');
    const body = parseInput(pinBody, request.body);
    const pinHash = await hasher.hash(body.pin, config.pin_hash_cost);
    return ownerWrite(deps, principal, async (tx, now) => {
      const rows = await tx.query<StaffRow>(`UPDATE staff SET pin_hash = $3, updated_at = $4 WHERE business_id = $1 AND id = $2 RETURNING ${staff_columns}`, [
        principal.business_id,
        id,
        pinHash,
        new Date(now).toISOString(),
      ]);
      const row = rows[0];
      if (!row) throw notFound('staff member', 'id');
      return { audit: { kind: 'staff.pin_set', subject: id, data: {} }, feed: { kind: 'staff', entity_id: id, data: feedData(row) }, response: toStaff(row) };
    });
  });

  app.put('/v1/staff/:id/password', { config: { access: 'owner' } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const { id } = parseInput(idParams, request.params, 'params');
    const body = parseInput(passwordBody, request.body);
    const passwordHash = await hasher.hash(body.password, config.password_hash_cost);
    return ownerWrite(deps, principal, async (tx, now) => {
      const rows = await tx.query<StaffRow>(
        `UPDATE staff SET password_hash = $3, updated_at = $4 WHERE business_id = $1 AND id = $2 AND role <> 'cashier' RETURNING ${staff_columns}`,
        [principal.business_id, id, passwordHash, new Date(now).toISOString()],
      );
      const row = rows[0];
      if (!row) throw notFound('owner or manager', 'id');
      // A new password signs out every session of that person.
      await tx.query('DELETE FROM sessions WHERE business_id = $1 AND staff_id = $2 AND token_hash <> $3', [principal.business_id, id, principal.session_token_hash]);
      return { audit: { kind: 'staff.password_set', subject: id, data: {} }, feed: { kind: 'staff', entity_id: id, data: feedData(row) }, response: toStaff(row) };
    });
  });
}
