/**
 * Who is logged in at this till. One till has one cashier at the counter at a time, so the host
 * (Electron main, or the browser host process) keeps one session: `login` opens it, `lock`
 * closes it, and every command runs as its staff member (the ledger's `actor_id`).
 */
import type { StaffRecord } from '@payme/shared';

export interface TillSession {
  current(): StaffRecord | null;
  open(staff: StaffRecord): void;
  close(): void;
}

export function createTillSession(): TillSession {
  let staff: StaffRecord | null = null;
  return {
    current: () => staff,
    open(next) {
      staff = next;
    },
    close() {
      staff = null;
    },
  };
}
