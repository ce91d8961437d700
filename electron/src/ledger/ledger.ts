/**
 * The till ledger's public face: `openLedger` returns one method per command and query of the
 * till API, plus what the sync agent needs. Commands take the acting staff member's id (the
 * host's logged-in session) and the till API input; queries take the input alone.
 */
import { boundedArray, cartLineInput, discountBp, parseInput, sale_lines_max, strictObject, tillApi, uuid, type Clock, type EventEnvelope, type PaymeEvent, type Random, type StaffRecord } from '@payme/shared';
import { abandonParkedSale, completeSale, listParkedSales, parkSale, resumeParkedSale } from './sales.js';
import { adjustCredit, createCustomer, customerStatement, recordCreditPayment, searchCustomers, updateCustomer } from './customers.js';
import { adjustStock, countStock, receiveStock } from './stock.js';
import { closeShift, currentShift, openShift, payIn, payOut } from './shifts.js';
import { applyServerBatch, type ServerBatchResult } from './feed.js';
import { ackedSeq, chainHead, eventsFrom, feedCursor, pendingEvents, recordAck, unsyncedCount } from './outbox.js';
import { createContext, type LedgerContext, type PinVerifier } from './context.js';
import { activeStaff, barcodeIndex, getPayment, getSale, nextReceiptNumber, lookupBarcode, searchProducts, stockOnHand, todaySales } from './queries.js';
import { favouriteProducts } from './favourites.js';
import { readIdentity, writeIdentity, type TillIdentity } from './identity.js';
import { refundSale, voidSale } from './returns.js';
import { recordMpesaClaim } from './claims.js';
import { verifyLedger, type LedgerDifference } from './verify.js';
import { receiptSettings, type ReceiptSettings } from './settings.js';
import { quoteCart } from './pricing.js';
import { adoptRecoveredHistory } from './recovery.js';
import { moveToNewTill, type MoveToNewTillResult } from './move-till.js';
import { markRestored, restoreState, type RestoreState } from './restore.js';
import { importReplacedEvents, type ImportReplacedResult } from './import-replaced.js';
import { markQuarantined, quarantinedCount, quarantinedEvents, type QuarantineMark } from './quarantine.js';
import { checkPin, pinHashOf, requireActor, unlockStaffMember, verifyApproval } from './staff.js';
import { openDatabase, type Db } from './db.js';
import { IdleCheckpointer } from './idle-checkpoint.js';
import { registerRawDb } from './raw-db.js';

export interface OpenLedgerOptions {
  path: string;
  clock: Clock;
  random: Random;
  /** Only the benchmark lowers this, to measure the fsync share. */
  synchronous?: 'FULL' | 'OFF';
  /** How PINs are checked (context.ts); the till host passes its off-main-thread checks. */
  verifyPin?: PinVerifier;
}

const quoteSaleInput = strictObject({
  lines: boundedArray(cartLineInput, 1, sale_lines_max),
  discount_bp: discountBp.optional(),
  customer_id: uuid.optional(),
});

type Command<R> = (actor_id: string, input: unknown) => R;
type Query<R> = (input?: unknown) => R;

function bindQuery<R>(ctx: LedgerContext, run: (ctx: LedgerContext, raw: unknown) => R): Query<R> {
  return (input = {}) => run(ctx, input);
}

export function createLedger(db: Db, clock: Clock, random: Random, verifyPin?: PinVerifier) {
  const ctx = createContext(db, clock, random, verifyPin);
  const checkpointer = new IdleCheckpointer(db);
  /** After any write (commands, sync, identity, recovery) the checkpoint waits for idle again. */
  const writing =
    <A extends unknown[], R>(write: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return write(...args);
      } finally {
        checkpointer.wrote();
      }
    };
  /** A command bound to this ledger: `(actor_id, input)`, a write like any other. */
  const command = <R>(run: (ctx: LedgerContext, actor_id: string, raw: unknown) => R): Command<R> =>
    writing((actor_id: string, input: unknown) => run(ctx, actor_id, input));
  const ledger = {
    completeSale: command(completeSale),
    parkSale: command(parkSale),
    abandonParkedSale: command(abandonParkedSale),
    voidSale: command(voidSale),
    refundSale: command(refundSale),
    receiveStock: command(receiveStock),
    adjustStock: command(adjustStock),
    countStock: command(countStock),
    createCustomer: command(createCustomer),
    updateCustomer: command(updateCustomer),
    recordCreditPayment: command(recordCreditPayment),
    adjustCredit: command(adjustCredit),
    openShift: command(openShift),
    payIn: command(payIn),
    payOut: command(payOut),
    closeShift: command(closeShift),
    recordMpesaClaim: command(recordMpesaClaim),

    /** Prices a cart without writing (not in the till API table yet: see README). */
    quoteSale: (input: unknown) => quoteCart(ctx, parseInput(quoteSaleInput, input)),
    resumeParkedSale: bindQuery(ctx, resumeParkedSale),
    listParkedSales: () => listParkedSales(ctx),
    searchProducts: bindQuery(ctx, searchProducts),
    lookupBarcode: bindQuery(ctx, lookupBarcode),
    barcodeIndex: bindQuery(ctx, barcodeIndex),
    favouriteProducts: bindQuery(ctx, favouriteProducts),
    stockOnHand: bindQuery(ctx, stockOnHand),
    todaySales: bindQuery(ctx, todaySales),
    getSale: bindQuery(ctx, getSale),
    getPayment: bindQuery(ctx, getPayment),
    searchCustomers: bindQuery(ctx, searchCustomers),
    customerStatement: bindQuery(ctx, customerStatement),
    currentShift: () => ({ shift: currentShift(ctx) }),
    /** What receipts print from the synced business settings: KRA PIN, address, header and footer, VAT registration. */
    receiptSettings: (): ReceiptSettings => receiptSettings(ctx),

    /** Checks a PIN (slow hash; lockout after 5 failures) and returns who logged in. */
    login(input: unknown): { staff: StaffRecord } {
      const { staff_id, pin } = parseInput(tillApi.login.input, input);
      return { staff: checkPin(ctx, staff_id, pin, 'pin', 'staff_id') };
    },
    /** The PIN hash a `login` or an approval by this staff member is checked against (null: none, or not active). */
    pinHashOf: (staff_id: string): string | null => pinHashOf(ctx, staff_id),
    /** A manager (the actor, or by approval PIN) clears someone's PIN lockout. Not journaled. */
    unlockStaff(actor_id: string, input: unknown): { staff_id: string; unlocked: true } {
      const parsed = parseInput(tillApi.unlockStaff.input, input);
      const manager_id = parsed.approval === undefined ? actor_id : verifyApproval(ctx, parsed.approval);
      ctx.db.transaction(() => unlockStaffMember(ctx, parsed.staff_id, requireActor(ctx, manager_id))).immediate();
      return { staff_id: parsed.staff_id, unlocked: true };
    },

    applyServerBatch: writing((batch: unknown): ServerBatchResult => applyServerBatch(ctx, batch)),
    pendingEvents: (limit: number): PaymeEvent[] => pendingEvents(ctx, limit),
    markAcked: writing((acked_seq: number, head_hash: string): void => ctx.db.transaction(() => recordAck(ctx, acked_seq, head_hash)).immediate()),
    unsyncedCount: (): number => unsyncedCount(ctx),
    /** Events with seq >= from_seq, at most `limit`, as stored (for a `seq_gap` resend). */
    eventsFrom: (from_seq: number, limit: number): EventEnvelope[] => eventsFrom(ctx, from_seq, limit),
    /** The highest seq the server has acknowledged (push or pull), 0 before the first. */
    ackedSeq: (): number => ackedSeq(ctx),
    /** The feed cursor stored with the last applied batch ('0' before the first). */
    feedCursor: (): string => feedCursor(ctx),
    chainHead: () => chainHead(ctx),
    identity: (): TillIdentity | null => readIdentity(ctx),
    setIdentity: writing((input: unknown): TillIdentity => writeIdentity(ctx, input)),
    verifyLedger: (): LedgerDifference[] => verifyLedger(ctx),
    /** DESIGN §5 diverged history, till side, in one transaction (see recovery.ts). */
    adoptRecoveredHistory: writing((input: unknown): { reappended: number } => adoptRecoveredHistory(ctx, input)),
    /** DESIGN §5 fenced clone: becomes the newly enrolled till, its unacknowledged events re-appended (see move-till.ts). */
    moveToNewTill: writing((input: unknown): MoveToNewTillResult => moveToNewTill(ctx, input)),
    /** After `payme-till restore`: recover online before pushing; forced offline sells in a new receipt series (restore.ts). */
    markRestored: (input: unknown): RestoreState => markRestored(ctx, input),
    restoreState: (): RestoreState => restoreState(ctx),
    /** `payme-till restore`: the replaced database's events the backup lacks join the journal as unacknowledged (import-replaced.ts). */
    importReplacedEvents: writing((input: unknown): ImportReplacedResult => importReplacedEvents(ctx, input)),
    /** Marks the event at `seq` as quarantined by the server (kept across restarts). */
    markQuarantined: writing((seq: number, reason?: string): QuarantineMark => markQuarantined(ctx, seq, reason)),
    quarantinedCount: (): number => quarantinedCount(ctx),
    quarantinedEvents: (limit?: number): QuarantineMark[] => quarantinedEvents(ctx, limit),
    /** Who may log in: the active staff the server synced, cashiers first, by name. */
    activeStaff: (): StaffRecord[] => activeStaff(ctx),
    /** The number the next receipt of the current series takes (after a recovery: one past the server's highest). */
    nextReceiptNumber: (): number => nextReceiptNumber(ctx),
    /** SQLite's online backup of the ledger into `file` (backup/ledger-backup.ts checks and places it). */
    backup: (file: string): Promise<unknown> => db.backup(file),
    /** The idle checkpoint (tests: run it now, or see that it is armed). */
    checkpointer,
    close: (): void => {
      checkpointer.stop();
      db.close();
    },
  };
  registerRawDb(ledger, db);
  return ledger;
}

export type Ledger = ReturnType<typeof createLedger>;

export function openLedger(options: OpenLedgerOptions): Ledger {
  const db = openDatabase({ path: options.path, synchronous: options.synchronous ?? 'FULL' });
  return createLedger(db, options.clock, options.random, options.verifyPin);
}
