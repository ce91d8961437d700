/**
 * The M-Pesa payment state machine and Daraja result codes of DESIGN §7. The expected table is
 * written out here from the design, independently of `payment_transitions`.
 */
import { describe, expect, it } from 'vitest';
import {
  PaymeError,
  canTransition,
  isSettledState,
  listed_result_codes,
  mapResultCode,
  payment_states,
  transitionPayment,
  type PaymentState,
} from '../src/index.js';

/** DESIGN §7, row by row ("from → to"); every other ordered pair is refused. */
const allowed = new Set([
  'created→requested',
  'created→failed',
  'requested→succeeded',
  'requested→failed',
  'requested→cancelled',
  'requested→expired',
  'requested→unknown',
  'unknown→succeeded',
  'unknown→failed',
  'unknown→cancelled',
  'unknown→expired',
  'expired→succeeded',
  'succeeded→reversed',
]);

describe('payment states', () => {
  it('are exactly the eight states of DESIGN §7', () => {
    expect([...payment_states].sort()).toEqual(['cancelled', 'created', 'expired', 'failed', 'requested', 'reversed', 'succeeded', 'unknown']);
  });

  it('allow exactly the transitions of the table, over all 64 ordered pairs', () => {
    let pairs = 0;
    let permitted = 0;
    for (const from of payment_states) {
      for (const to of payment_states) {
        pairs += 1;
        const expected = allowed.has(`${from}→${to}`);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected);
        if (expected) {
          permitted += 1;
          expect(transitionPayment(from, to)).toBe(to);
        } else {
          let error: unknown;
          try {
            transitionPayment(from, to);
          } catch (caught) {
            error = caught;
          }
          expect(error, `${from} → ${to}`).toBeInstanceOf(PaymeError);
          expect((error as PaymeError).toBody()).toMatchObject({ code: 'payment_transition_refused', field: 'state', from, to });
        }
      }
    }
    expect(pairs).toBe(64);
    expect(permitted).toBe(allowed.size);
  });

  it('never allows staying in the same state', () => {
    for (const state of payment_states) expect(canTransition(state, state)).toBe(false);
  });

  it('knows which states are settled', () => {
    const settled: PaymentState[] = ['succeeded', 'failed', 'cancelled', 'expired', 'reversed'];
    for (const state of payment_states) expect(isSettledState(state), state).toBe(settled.includes(state));
  });
});

describe('mapResultCode', () => {
  const table: Array<[number, string]> = [
    [0, 'succeeded'],
    [1032, 'cancelled'],
    [1037, 'expired'],
    [1019, 'expired'],
    [1, 'failed'],
    [2, 'failed'],
    [3, 'failed'],
    [4, 'failed'],
    [8, 'failed'],
    [17, 'failed'],
    [2001, 'failed'],
    [2028, 'failed'],
  ];

  it('maps every listed code, keeping the code and a message for the cashier', () => {
    for (const [code, outcome] of table) {
      const meaning = mapResultCode(code, 'Daraja description');
      expect(meaning.outcome, String(code)).toBe(outcome);
      expect(meaning.code).toBe(code);
      expect(meaning.cashier_message.trim().length).toBeGreaterThan(0);
      expect(meaning.daraja_description).toBe('Daraja description');
      expect(mapResultCode(code)).not.toHaveProperty('daraja_description');
    }
    expect([...listed_result_codes].sort((a, b) => a - b)).toEqual(table.map(([code]) => code).sort((a, b) => a - b));
  });

  it('gives distinct cashier messages to the listed codes', () => {
    const messages = new Set(table.map(([code]) => mapResultCode(code).cashier_message));
    expect(messages.size).toBe(table.length);
  });

  it('fails an unknown code, keeping the code and Daraja’s words', () => {
    const meaning = mapResultCode(9999, '  The initiator is not allowed to initiate this request  ');
    expect(meaning).toEqual({
      outcome: 'failed',
      code: 9999,
      cashier_message: 'M-Pesa said: The initiator is not allowed to initiate this request',
      daraja_description: 'The initiator is not allowed to initiate this request',
    });
  });

  it('fails an unknown code without words, naming the code', () => {
    for (const words of [undefined, '', '   ']) {
      const meaning = mapResultCode(500_001, words);
      expect(meaning.outcome).toBe('failed');
      expect(meaning.code).toBe(500_001);
      expect(meaning.cashier_message).toContain('500001');
    }
  });
});
