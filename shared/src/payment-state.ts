/**
 * The M-Pesa payment state machine and Daraja result-code mapping of DESIGN §7, as pure
 * functions. Every pair not in `payment_transitions` is refused.
 */
import { PaymeError } from './errors.js';

export const payment_states = ['created', 'requested', 'succeeded', 'failed', 'cancelled', 'expired', 'unknown', 'reversed'] as const;
export type PaymentState = (typeof payment_states)[number];

/** from → the states it may move to. */
export const payment_transitions: Readonly<Record<PaymentState, readonly PaymentState[]>> = {
  created: ['requested', 'failed'],
  requested: ['succeeded', 'failed', 'cancelled', 'expired', 'unknown'],
  unknown: ['succeeded', 'failed', 'cancelled', 'expired'],
  expired: ['succeeded'],
  succeeded: ['reversed'],
  failed: [],
  cancelled: [],
  reversed: [],
};

export function canTransition(from: PaymentState, to: PaymentState): boolean {
  return payment_transitions[from].includes(to);
}

/** Returns `to`, or throws `payment_transition_refused` naming both states. */
export function transitionPayment(from: PaymentState, to: PaymentState): PaymentState {
  if (!canTransition(from, to)) {
    throw new PaymeError('payment_transition_refused', `A payment cannot go from ${from} to ${to}`, 'state', { from, to });
  }
  return to;
}

/** States after which nothing but a late success (expired) or a reversal (succeeded) can happen. */
export function isSettledState(state: PaymentState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled' || state === 'expired' || state === 'reversed';
}

export type PaymentOutcome = 'succeeded' | 'cancelled' | 'expired' | 'failed';

export interface ResultCodeMeaning {
  outcome: PaymentOutcome;
  code: number;
  /** Plain words for the cashier (UX.md). */
  cashier_message: string;
  /** Daraja's own ResultDesc, kept for every code (DESIGN §7), when it sent one. */
  daraja_description?: string;
}

const known_result_messages: Readonly<Record<number, { outcome: PaymentOutcome; message: string }>> = {
  0: { outcome: 'succeeded', message: 'Paid' },
  1032: { outcome: 'cancelled', message: 'The customer cancelled' },
  1037: { outcome: 'expired', message: 'The phone could not be reached' },
  1019: { outcome: 'expired', message: 'The request expired before the customer answered' },
  1: { outcome: 'failed', message: 'Not enough money in M-Pesa' },
  2: { outcome: 'failed', message: 'The amount is below the M-Pesa minimum' },
  3: { outcome: 'failed', message: 'The amount is above the M-Pesa maximum' },
  4: { outcome: 'failed', message: 'The amount is above the customer’s daily M-Pesa limit' },
  8: { outcome: 'failed', message: 'The customer’s M-Pesa account cannot receive or send this amount' },
  17: { outcome: 'failed', message: 'M-Pesa refused a repeat of the same payment: wait a moment and try again' },
  2001: { outcome: 'failed', message: 'The customer entered a wrong M-Pesa PIN' },
  2028: { outcome: 'failed', message: 'This till or paybill is not allowed to receive this payment' },
};

/**
 * Maps a Daraja `ResultCode`: 0 → succeeded; 1032 → cancelled; 1037, 1019 → expired; 1, 2, 3,
 * 4, 8, 17, 2001, 2028 and any other → failed, keeping the code and Daraja's own words.
 */
export function mapResultCode(code: number, darajaDescription?: string): ResultCodeMeaning {
  const words = darajaDescription?.trim();
  const kept = words ? { daraja_description: words } : {};
  const known = known_result_messages[code];
  if (known) return { outcome: known.outcome, code, cashier_message: known.message, ...kept };
  return {
    outcome: 'failed',
    code,
    cashier_message: words ? `M-Pesa said: ${words}` : `M-Pesa refused the payment (code ${code})`,
    ...kept,
  };
}

export const listed_result_codes = Object.keys(known_result_messages).map(Number);
