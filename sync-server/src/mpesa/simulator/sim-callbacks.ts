/**
 * How the simulator calls back, like Daraja: a POST of JSON to the URL the request named, once
 * (no retries: Daraja does not resend a callback the receiver failed to take), after a delay,
 * with duplicates, holds (reordering) and losses applied by the caller's fault.
 */
export type SimFetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<Response>;

export interface DeliveredCallback {
  at_ms: number;
  url: string;
  body: unknown;
  status?: number;
  error?: string;
}

export interface Scheduler {
  /** Runs `fn` after `ms` milliseconds (real time by default). */
  after(ms: number, fn: () => void): void;
}

export const realTimeScheduler: Scheduler = {
  after(ms, fn) {
    setTimeout(fn, ms).unref?.();
  },
};

export class CallbackDispatcher {
  readonly delivered: DeliveredCallback[] = [];
  private pendingTasks = 0;
  private idleWaiters: Array<() => void> = [];
  private held: Array<{ url: string; body: unknown }> = [];

  constructor(
    private readonly fetch: SimFetch,
    private readonly scheduler: Scheduler,
    private readonly now: () => number,
    /** How long a reordered callback waits for a successor before it goes anyway. */
    private readonly holdMaxMs: number,
  ) {}

  /** Schedules deliveries of one callback: `copies` times, `spacingMs` apart (0 = all at once). */
  send(url: string, body: unknown, options: { delayMs: number; copies?: number; spacingMs?: number; hold?: boolean }): void {
    const copies = Math.max(1, options.copies ?? 1);
    this.task(options.delayMs, async () => {
      if (options.hold) {
        this.held.push({ url, body });
        this.task(this.holdMaxMs, () => this.releaseHeld());
        return;
      }
      const sends: Array<Promise<void>> = [];
      for (let copy = 0; copy < copies; copy += 1) {
        if (options.spacingMs && copy > 0) await pause(options.spacingMs);
        sends.push(this.deliver(url, body));
      }
      await Promise.all(sends);
      // A held callback goes right after the next one, so the two arrive in swapped order.
      await this.releaseHeld();
    });
  }

  /** Runs `fn` after `delayMs`, counted as pending work until it finishes. */
  task(delayMs: number, fn: () => Promise<void> | void): void {
    this.pendingTasks += 1;
    this.scheduler.after(delayMs, () => {
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined)
        .finally(() => {
          this.pendingTasks -= 1;
          if (this.pendingTasks === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        });
    });
  }

  /** Resolves once every scheduled callback has been delivered (or lost on purpose). */
  idle(): Promise<void> {
    if (this.pendingTasks === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async releaseHeld(): Promise<void> {
    const held = this.held.splice(0);
    await Promise.all(held.map((item) => this.deliver(item.url, item.body)));
  }

  private async deliver(url: string, body: unknown): Promise<void> {
    const record: DeliveredCallback = { at_ms: this.now(), url, body };
    this.delivered.push(record);
    try {
      const response = await this.fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      record.status = response.status;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ------------------------------------------------------------------ Daraja callback bodies

export interface StkOutcome {
  merchant_request_id: string;
  checkout_request_id: string;
  result_code: number;
  result_desc: string;
  amount: number;
  receipt?: string;
  /** YYYYMMDDHHmmss as a number, as Daraja sends it. */
  transaction_date?: number;
  phone: number;
}

/** The STK callback, `CallbackMetadata` only on success, with the valueless `Balance` item. */
export function stkCallbackBody(outcome: StkOutcome): unknown {
  const stkCallback: Record<string, unknown> = {
    MerchantRequestID: outcome.merchant_request_id,
    CheckoutRequestID: outcome.checkout_request_id,
    ResultCode: outcome.result_code,
    ResultDesc: outcome.result_desc,
  };
  if (outcome.result_code === 0) {
    stkCallback.CallbackMetadata = {
      Item: [
        { Name: 'Amount', Value: outcome.amount },
        { Name: 'MpesaReceiptNumber', Value: outcome.receipt },
        { Name: 'Balance' },
        { Name: 'TransactionDate', Value: outcome.transaction_date },
        { Name: 'PhoneNumber', Value: outcome.phone },
      ],
    };
  }
  return { Body: { stkCallback } };
}

export interface C2bPayment {
  transaction_type: 'Pay Bill' | 'Buy Goods';
  trans_id: string;
  trans_time: string;
  amount: number;
  business_shortcode: string;
  bill_ref: string;
  msisdn: string;
  first_name: string;
}

/** Validation and confirmation share one body; Daraja sends the amounts as strings. */
export function c2bBody(payment: C2bPayment): Record<string, string> {
  return {
    TransactionType: payment.transaction_type,
    TransID: payment.trans_id,
    TransTime: payment.trans_time,
    TransAmount: payment.amount.toFixed(2),
    BusinessShortCode: payment.business_shortcode,
    BillRefNumber: payment.bill_ref,
    InvoiceNumber: '',
    OrgAccountBalance: '',
    ThirdPartyTransID: '',
    MSISDN: payment.msisdn,
    FirstName: payment.first_name,
    MiddleName: '',
    LastName: '',
  };
}

export interface ResultInput {
  result_code: number | string;
  result_desc: string;
  originator_conversation_id: string;
  conversation_id: string;
  transaction_id: string;
  parameters?: Array<{ Key: string; Value: unknown }>;
  occasion?: string;
}

/** The `Result` body of Transaction Status and Reversal. */
export function resultBody(input: ResultInput): unknown {
  const result: Record<string, unknown> = {
    ResultType: 0,
    ResultCode: input.result_code,
    ResultDesc: input.result_desc,
    OriginatorConversationID: input.originator_conversation_id,
    ConversationID: input.conversation_id,
    TransactionID: input.transaction_id,
  };
  if (input.parameters) result.ResultParameters = { ResultParameter: input.parameters };
  result.ReferenceData = { ReferenceItem: { Key: 'Occasion', Value: input.occasion ?? '' } };
  return { Result: result };
}
