/**
 * Faults the Daraja simulator injects, chosen per request (a rule posted to `/__sim/faults`, or
 * the last digits of the customer's phone) or by rate (a fraction of all requests, drawn from
 * the injected Random so a seed replays the same faults).
 */
import type { Random } from '@payme/shared';

export const sim_operations = ['oauth', 'stk_push', 'stk_query', 'c2b_register', 'c2b_simulate', 'transaction_status', 'reversal'] as const;
export type SimOperation = (typeof sim_operations)[number];

export interface SimFault {
  /** Answer the request itself with this HTTP error (500, or 429 spike arrest) instead of accepting it. */
  http_status?: 400 | 401 | 429 | 500 | 503;
  /** The payment's real outcome, as callback and query report it (default 0, paid). */
  result_code?: number;
  result_desc?: string;
  /** `lost`: the callback is never sent; `late`: it is sent after `late_ms`. */
  callback?: 'normal' | 'lost' | 'late';
  /** Extra deliveries of the same callback (so 1 means it arrives twice). */
  duplicates?: number;
  /** Send the duplicates all at once rather than spaced by a few milliseconds. */
  concurrent?: boolean;
  /**
   * `wrong_amount`: the success callback names another amount; `unknown_checkout`: a success
   * callback for a CheckoutRequestID nobody requested is sent too; `fake_success`: a success
   * callback is sent although the real outcome (the query's answer) is `result_code`.
   */
  spoof?: 'wrong_amount' | 'unknown_checkout' | 'fake_success';
  /** Hold this callback until the next one has been delivered. */
  reorder?: boolean;
  /** Override the delay before the customer "answers", in milliseconds. */
  delay_ms?: number;
  /** Transaction Status / Reversal: post to QueueTimeOutURL instead of ResultURL. */
  queue_timeout?: boolean;
  /** Transaction Status / Reversal: the result is never posted (the request stays unanswered). */
  result_lost?: boolean;
}

export interface SimFaultRule {
  /** `operation` defaults to `stk_push`. */
  match?: { operation?: SimOperation; phone?: string; shortcode?: string };
  /** How many matching requests it applies to; 0 = every one. Default 1. */
  times?: number;
  fault: SimFault;
}

/** Fractions (0..1) of requests that get each fault when no rule or phone chose one. */
export interface SimFaultRates {
  duplicate?: number;
  lost?: number;
  late?: number;
  reordered?: number;
  http_500?: number;
  spike_arrest?: number;
}

/**
 * Test phone numbers: the last four digits choose the outcome, like Daraja's sandbox test
 * numbers do for their scenarios (any other number pays).
 */
export const phone_outcomes: Readonly<Record<string, SimFault>> = {
  '1032': { result_code: 1032 },
  '1037': { result_code: 1037 },
  '1019': { result_code: 1019 },
  '2001': { result_code: 2001 },
  '0001': { result_code: 1 },
  '0500': { http_status: 500 },
  '0429': { http_status: 429 },
  '0404': { callback: 'lost' },
  '0002': { duplicates: 1 },
  '0005': { duplicates: 4, concurrent: true },
};

interface ActiveRule extends SimFaultRule {
  remaining: number;
}

export class FaultBook {
  private rules: ActiveRule[] = [];
  rates: SimFaultRates = {};

  constructor(private readonly random: Random) {}

  add(rules: readonly SimFaultRule[]): void {
    for (const rule of rules) this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
    this.rates = {};
  }

  pending(): readonly SimFaultRule[] {
    return this.rules;
  }

  /** The fault for one request: a matching rule first, then the phone's digits, then the rates. */
  choose(operation: SimOperation, context: { phone?: string; shortcode?: string }): SimFault {
    const index = this.rules.findIndex((rule) => matches(rule, operation, context));
    if (index >= 0) {
      const rule = this.rules[index] as ActiveRule;
      if (rule.times !== 0) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.rules.splice(index, 1);
      }
      return rule.fault;
    }
    const byPhone = context.phone === undefined ? undefined : phone_outcomes[context.phone.slice(-4)];
    if (byPhone) return byPhone;
    return this.byRate();
  }

  private draw(rate: number | undefined): boolean {
    if (!rate || rate <= 0) return false;
    return this.random.int(0, 999_999) < Math.round(rate * 1_000_000);
  }

  private byRate(): SimFault {
    const rates = this.rates;
    if (this.draw(rates.spike_arrest)) return { http_status: 429 };
    if (this.draw(rates.http_500)) return { http_status: 500 };
    const fault: SimFault = {};
    if (this.draw(rates.lost)) fault.callback = 'lost';
    else if (this.draw(rates.late)) fault.callback = 'late';
    if (this.draw(rates.duplicate)) fault.duplicates = 1;
    if (this.draw(rates.reordered)) fault.reorder = true;
    return fault;
  }
}

function matches(rule: SimFaultRule, operation: SimOperation, context: { phone?: string; shortcode?: string }): boolean {
  // A rule naming no operation is about STK Push, the request tests most often break.
  if ((rule.match?.operation ?? 'stk_push') !== operation) return false;
  const match = rule.match;
  if (!match) return true;
  if (match.phone !== undefined && match.phone !== context.phone) return false;
  if (match.shortcode !== undefined && match.shortcode !== context.shortcode) return false;
  return true;
}
