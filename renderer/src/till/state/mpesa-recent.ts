/**
 * DESIGN §8: "the same phone and amount within two minutes asks for confirmation". The till
 * remembers the STK requests it sent (phone, amount, when, and the last state it saw) so a
 * second request for the same phone and amount asks the cashier first: a double scan of the
 * pay button, or a second sale rung up for a customer who already paid, would otherwise charge
 * the customer twice. A request known to have failed, been cancelled or expired moved no money,
 * so retrying it ("Try again") does not ask.
 */
import type { PaymentState } from '@payme/shared';

export const mpesa_duplicate_window_ms = 2 * 60_000;
/** More than a till sends in two minutes; the oldest is dropped first. */
export const mpesa_recent_max = 50;

export interface RecentMpesaRequest {
  payment_id: string;
  phone: string;
  amount: number;
  at_ms: number;
  state: PaymentState;
}

const no_money_moved: readonly PaymentState[] = ['failed', 'cancelled', 'expired'];

function recent(list: readonly RecentMpesaRequest[], now_ms: number): RecentMpesaRequest[] {
  return list.filter((request) => now_ms - request.at_ms < mpesa_duplicate_window_ms);
}

export function noteRequest(list: readonly RecentMpesaRequest[], request: RecentMpesaRequest): RecentMpesaRequest[] {
  return [...recent(list, request.at_ms), request].slice(-mpesa_recent_max);
}

export function noteState(list: readonly RecentMpesaRequest[], payment_id: string, state: PaymentState): RecentMpesaRequest[] {
  if (!list.some((request) => request.payment_id === payment_id && request.state !== state)) return list as RecentMpesaRequest[];
  return list.map((request) => (request.payment_id === payment_id ? { ...request, state } : request));
}

/** The earlier request this one would duplicate, if any (the most recent). */
export function findDuplicate(list: readonly RecentMpesaRequest[], phone: string, amount: number, now_ms: number): RecentMpesaRequest | undefined {
  return recent(list, now_ms)
    .filter((request) => request.phone === phone && request.amount === amount && !no_money_moved.includes(request.state))
    .at(-1);
}
