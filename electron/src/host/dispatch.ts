/**
 * The one place a till API call is answered (DESIGN §2), whichever transport carried it (IPC in
 * Electron, `POST /rpc/<method>` in the browser host): validate the input with the shared
 * schema, run the ledger method it maps to as the logged-in staff member, validate the output,
 * and turn every failure into the `{code, message, field?}` body. Nothing else differs between
 * the transports.
 */
import { PaymeError, isPaymeError, isTillMethod, parseInput, tillApi, type ErrorBody, type StaffRecord, type TillMethod, type TillOutput, type TillParsedInput } from '@payme/shared';
import type { Ledger } from '../ledger/ledger.js';
import type { TillSession } from './till-session.js';

const command_methods = [
  'completeSale',
  'parkSale',
  'abandonParkedSale',
  'voidSale',
  'refundSale',
  'receiveStock',
  'adjustStock',
  'countStock',
  'createCustomer',
  'updateCustomer',
  'recordCreditPayment',
  'adjustCredit',
  'openShift',
  'payIn',
  'payOut',
  'closeShift',
  'recordMpesaClaim',
] as const satisfies readonly TillMethod[];

const query_methods = [
  'resumeParkedSale',
  'listParkedSales',
  'searchProducts',
  'lookupBarcode',
  'barcodeIndex',
  'favouriteProducts',
  'stockOnHand',
  'todaySales',
  'getSale',
  'getPayment',
  'searchCustomers',
  'customerStatement',
  'currentShift',
] as const satisfies readonly TillMethod[];

type CommandMethod = (typeof command_methods)[number];

/** Methods that write to the ledger (and so to the outbox the sync agent pushes). */
export function isCommandMethod(method: string): boolean {
  return (command_methods as readonly string[]).includes(method) || method === 'unlockStaff';
}
type QueryMethod = (typeof query_methods)[number];

/** What the dispatcher needs of the ledger: its commands and queries, the login check, the unsynced count. */
export type TillLedgerPort = Pick<Ledger, CommandMethod | QueryMethod | 'login' | 'unlockStaff' | 'unsyncedCount'>;

/** The sync agent's view of the connection; absent while no agent runs for this till. */
export interface SyncStatusSource {
  syncStatus(): TillOutput<'syncStatus'>;
}

/** Online M-Pesa requests go through the sync server (DESIGN §7); absent while nothing provides them. */
export interface MpesaPaymentSource {
  requestMpesaPayment(actor_id: string, input: TillParsedInput<'requestMpesaPayment'>): Promise<TillOutput<'requestMpesaPayment'>>;
  /** The payment as the server has it now, falling back to the ledger's feed-synced copy offline. */
  getPayment?(input: TillParsedInput<'getPayment'>): Promise<TillOutput<'getPayment'>>;
}

/** The host's own answers beside the ledger's: the till's profile and first-run enrollment. */
export interface HostMethodSource {
  tillProfile(): TillOutput<'tillProfile'>;
  enroll(input: TillParsedInput<'enroll'>): Promise<TillOutput<'enroll'>>;
}

export interface DispatchContext {
  session: TillSession;
  host?: HostMethodSource | undefined;
  sync?: SyncStatusSource | undefined;
  payments?: MpesaPaymentSource | undefined;
  /** Told about failures that are bugs (not refusals), so the host can log them. */
  onInternalError?: ((method: string, error: unknown) => void) | undefined;
}

export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: ErrorBody };

/**
 * Methods that run without a logged-in staff member: the first-run and login screens, and the
 * status line, which stays visible on the lock screen (sync state, M-Pesa payments still waiting).
 */
const open_methods: ReadonlySet<TillMethod> = new Set(['tillProfile', 'enroll', 'login', 'lock', 'syncStatus', 'listParkedSales']);

function requireStaff(session: TillSession, method: string): StaffRecord {
  const staff = session.current();
  if (staff === null) throw new PaymeError('unauthorized', `${method}: log in at the till first`);
  return staff;
}

function notAvailable(method: TillMethod, what: string): PaymeError {
  return new PaymeError('not_available', `${what} is not available on this till yet`, undefined, { method });
}

type Handler = (ledger: TillLedgerPort, input: never, context: DispatchContext) => unknown;

function command<M extends CommandMethod>(method: M): Handler {
  return (ledger, input, context) => ledger[method](requireStaff(context.session, method).staff_id, input);
}

/** Queries read only; who may run them is checked once, in dispatchTillCall. */
function query<M extends QueryMethod>(method: M): Handler {
  return (ledger, input) => ledger[method](input);
}

function hostHandlers(): Record<Exclude<TillMethod, CommandMethod | QueryMethod>, Handler> {
  return {
    tillProfile: (_ledger, _input, { host }) => {
      if (host === undefined) throw notAvailable('tillProfile', 'The till profile');
      return host.tillProfile();
    },
    enroll: (_ledger, input: TillParsedInput<'enroll'>, { host }) => {
      if (host === undefined) throw notAvailable('enroll', 'Enrollment');
      return host.enroll(input);
    },
    login: (ledger, input: TillParsedInput<'login'>, { session }) => {
      const result = ledger.login(input);
      session.open(result.staff);
      return result;
    },
    lock: (_ledger, _input, { session }) => {
      session.close();
      return { locked: true };
    },
    // On the lock screen a manager unlocks a locked-out cashier with their own PIN: the approving
    // manager is then the actor; otherwise the logged-in manager is.
    unlockStaff: (ledger, input: TillParsedInput<'unlockStaff'>, { session }) => {
      const actor = session.current()?.staff_id ?? input.approval?.manager_id;
      if (actor === undefined) throw new PaymeError('approval_required', 'Unlocking needs a manager\'s approval', 'approval');
      return ledger.unlockStaff(actor, input);
    },
    requestMpesaPayment: async (_ledger, input: TillParsedInput<'requestMpesaPayment'>, { session, payments }) => {
      const staff = requireStaff(session, 'requestMpesaPayment');
      if (payments === undefined) throw notAvailable('requestMpesaPayment', 'M-Pesa STK push (it needs the sync agent connected to the server)');
      return payments.requestMpesaPayment(staff.staff_id, input);
    },
    syncStatus: (ledger, _input, { sync }) => {
      if (sync !== undefined) return sync.syncStatus();
      // No agent runs: say so on the status line instead of pretending to be online. The
      // unsynced count is the ledger's own; quarantines are only known from the server.
      return {
        online: false,
        last_push_at: null,
        last_pull_at: null,
        unsynced_count: ledger.unsyncedCount(),
        quarantined_count: 0,
        alarm: { code: 'sync_not_running', message: 'This till is not syncing with the server; sales are safe on this PC' },
      };
    },
  };
}

const handlers: Record<TillMethod, Handler> = {
  ...(Object.fromEntries(command_methods.map((method) => [method, command(method)])) as Record<CommandMethod, Handler>),
  ...(Object.fromEntries(query_methods.map((method) => [method, query(method)])) as Record<QueryMethod, Handler>),
  ...hostHandlers(),
  // Without a provider the ledger's copy from the feed is all the till knows.
  getPayment: (ledger, input: TillParsedInput<'getPayment'>, { payments }) => (payments?.getPayment === undefined ? ledger.getPayment(input) : payments.getPayment(input)),
};

export function errorBodyOf(error: unknown): ErrorBody {
  if (isPaymeError(error)) return error.toBody();
  return { code: 'internal', message: 'The till program hit an unexpected error; try again, and call support if it repeats' };
}

/**
 * Answers one till API call. Never throws: a refusal or a bug comes back as `{ok: false, error}`
 * with the stable error body (an unknown method is `unknown_method`, naming it).
 */
export async function dispatchTillCall(ledger: TillLedgerPort, method: string, rawInput: unknown, context: DispatchContext): Promise<DispatchResult> {
  if (!isTillMethod(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `${method.slice(0, 60)} is not a till API method`, field: 'method' } };
  }
  try {
    const input = parseInput(tillApi[method].input, rawInput ?? {}) as never;
    if (!open_methods.has(method) && method !== 'unlockStaff') requireStaff(context.session, method);
    const output = await (handlers[method] as Handler)(ledger, input, context);
    const checked = tillApi[method].output.safeParse(output);
    if (!checked.success) {
      // A host or ledger that drifted from the contract: never hand the screen a wrong figure.
      context.onInternalError?.(method, checked.error);
      return { ok: false, error: { code: 'internal', message: `The till produced an answer to ${method} that breaks the till API; nothing was shown` } };
    }
    return { ok: true, value: checked.data };
  } catch (error) {
    if (!isPaymeError(error)) context.onInternalError?.(method, error);
    return { ok: false, error: errorBodyOf(error) };
  }
}
