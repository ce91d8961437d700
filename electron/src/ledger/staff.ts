/**
 * Staff PINs and manager approvals (DESIGN §4). PINs are stored only as the slow hashes the
 * server syncs; 5 wrong PINs lock that person for 5 minutes, counted in the database so a
 * restart does not reset it; a manager can unlock. The slow hash runs outside any write
 * transaction, so a PIN check never holds the till's write lock for 100 ms.
 */
import { PaymeError, pin_failures_max, pin_lockout_ms, type Role } from '@payme/shared';
import { sql, type LedgerContext } from './context.js';

export interface StaffMember {
  staff_id: string;
  name: string;
  role: Role;
}

interface StaffRow extends StaffMember {
  pin_hash: string;
  active: number;
  pin_failures: number;
  locked_until_ms: number;
}

function staffRow(ctx: LedgerContext, staff_id: string): StaffRow | undefined {
  return sql(ctx, 'SELECT staff_id, name, role, pin_hash, active, pin_failures, locked_until_ms FROM staff WHERE staff_id = ?').get(
    staff_id,
  ) as StaffRow | undefined;
}

/** The acting staff member, inside a command: must exist and be active. */
export function requireActor(ctx: LedgerContext, actor_id: string): StaffMember {
  const row = staffRow(ctx, actor_id);
  if (row === undefined || row.active !== 1) {
    throw new PaymeError('forbidden', 'actor_id: this staff member is unknown or no longer active on this till', 'actor_id');
  }
  return { staff_id: row.staff_id, name: row.name, role: row.role };
}

export function isManager(role: Role): boolean {
  return role === 'manager' || role === 'owner';
}

/**
 * Checks a PIN and counts the outcome in its own transaction (a refused command must still
 * count the failure). `field` names the input the PIN came from (`pin`, `approval.pin`).
 */
export function checkPin(ctx: LedgerContext, staff_id: string, pin: string, field: string, idField: string): StaffMember {
  const row = staffRow(ctx, staff_id);
  if (row === undefined || row.active !== 1) {
    throw new PaymeError('not_found', `${idField}: no active staff member with this id`, idField);
  }
  const now = ctx.clock.now();
  if (row.locked_until_ms > now) {
    throw new PaymeError('pin_locked', `${row.name} is locked out after ${pin_failures_max} wrong PINs; a manager can unlock`, field, {
      locked_until_ms: row.locked_until_ms,
    });
  }
  const matches = ctx.verifyPin(pin, row.pin_hash);
  const failures = ctx.db
    .transaction((): number => {
      if (matches) {
        sql(ctx, 'UPDATE staff SET pin_failures = 0, locked_until_ms = 0 WHERE staff_id = ?').run(staff_id);
        return 0;
      }
      // Re-read inside the write lock: another process may have counted a failure meanwhile.
      const current = staffRow(ctx, staff_id) as StaffRow;
      const count = current.pin_failures + 1;
      const locked = count >= pin_failures_max;
      sql(ctx, 'UPDATE staff SET pin_failures = ?, locked_until_ms = ? WHERE staff_id = ?').run(
        locked ? 0 : count,
        locked ? now + pin_lockout_ms : current.locked_until_ms,
        staff_id,
      );
      return locked ? pin_failures_max : count;
    })
    .immediate();
  if (!matches) {
    if (failures >= pin_failures_max) {
      throw new PaymeError('pin_locked', `Wrong PIN; ${row.name} is now locked out for 5 minutes`, field, {
        locked_until_ms: now + pin_lockout_ms,
      });
    }
    throw new PaymeError('pin_invalid', 'Wrong PIN', field, { failures_left: pin_failures_max - failures });
  }
  return { staff_id: row.staff_id, name: row.name, role: row.role };
}

/** The stored PIN hash of an active staff member, or null: what the host checks a PIN against ahead of the command. */
export function pinHashOf(ctx: LedgerContext, staff_id: string): string | null {
  const row = staffRow(ctx, staff_id);
  return row === undefined || row.active !== 1 ? null : row.pin_hash;
}

/** A manager's approval carried by a command: the PIN is right and the person is a manager. */
export function verifyApproval(ctx: LedgerContext, approval: { manager_id: string; pin: string }): string {
  const approver = checkPin(ctx, approval.manager_id, approval.pin, 'approval.pin', 'approval.manager_id');
  if (!isManager(approver.role)) {
    throw new PaymeError('forbidden', 'approval.manager_id: only a manager or the owner can approve this', 'approval.manager_id');
  }
  return approver.staff_id;
}

/** Who is allowed, and who approved, inside one command's transaction. */
export interface CommandAuth {
  actor: StaffMember;
  /** The manager whose PIN the command carried (verified), if any. */
  approver_id: string | undefined;
  /**
   * Demands a manager for `what`: the verified approver, or the actor when the actor is a
   * manager. Throws `approval_required` naming the `approval` field otherwise.
   */
  requireManager(what: string): string;
}

export function commandAuth(actor: StaffMember, approver_id: string | undefined): CommandAuth {
  return {
    actor,
    approver_id,
    requireManager(what) {
      if (approver_id !== undefined) return approver_id;
      if (isManager(actor.role)) return actor.staff_id;
      throw new PaymeError('approval_required', `${what} needs a manager's approval`, 'approval');
    },
  };
}

/** Clears a lockout; only a manager or the owner may. Local state, not a journaled event. */
export function unlockStaffMember(ctx: LedgerContext, staff_id: string, manager: StaffMember): void {
  if (!isManager(manager.role)) {
    throw new PaymeError('forbidden', 'Only a manager or the owner can unlock a staff member', 'approval.manager_id');
  }
  const changed = sql(ctx, 'UPDATE staff SET pin_failures = 0, locked_until_ms = 0 WHERE staff_id = ?').run(staff_id).changes;
  if (changed === 0) throw new PaymeError('not_found', 'staff_id: no staff member with this id', 'staff_id');
}
