// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { findDuplicate, mpesa_duplicate_window_ms, mpesa_recent_max, noteRequest, noteState, type RecentMpesaRequest } from './mpesa-recent.js';

const t0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const request = (over: Partial<RecentMpesaRequest> = {}): RecentMpesaRequest => ({ payment_id: 'p1', phone: '254712345678', amount: 5_500, at_ms: t0, state: 'requested', ...over });

describe('the M-Pesa duplicate check (same phone and amount within two minutes)', () => {
  it('finds a request for the same phone and amount inside the window, not after it', () => {
    const list = noteRequest([], request());
    expect(findDuplicate(list, '254712345678', 5_500, t0 + 30_000)?.payment_id).toBe('p1');
    expect(findDuplicate(list, '254712345678', 5_500, t0 + mpesa_duplicate_window_ms)).toBeUndefined();
  });

  it('another phone or another amount is not a duplicate', () => {
    const list = noteRequest([], request());
    expect(findDuplicate(list, '254700000001', 5_500, t0 + 1_000)).toBeUndefined();
    expect(findDuplicate(list, '254712345678', 5_600, t0 + 1_000)).toBeUndefined();
  });

  it('a paid or unanswered request counts; a failed, cancelled or expired one moved no money', () => {
    for (const state of ['succeeded', 'requested', 'unknown'] as const) {
      expect(findDuplicate(noteState(noteRequest([], request()), 'p1', state), '254712345678', 5_500, t0 + 1_000), state).toBeDefined();
    }
    for (const state of ['failed', 'cancelled', 'expired'] as const) {
      expect(findDuplicate(noteState(noteRequest([], request()), 'p1', state), '254712345678', 5_500, t0 + 1_000), state).toBeUndefined();
    }
  });

  it('keeps only recent requests, at most a bounded number', () => {
    let list: RecentMpesaRequest[] = [];
    for (let i = 0; i < mpesa_recent_max + 10; i += 1) list = noteRequest(list, request({ payment_id: `p${i}`, at_ms: t0 + i }));
    expect(list).toHaveLength(mpesa_recent_max);
    expect(list[0]?.payment_id).toBe('p10');
    expect(noteRequest(list, request({ payment_id: 'late', at_ms: t0 + mpesa_duplicate_window_ms + 100 })).map((r) => r.payment_id)).toEqual(['late']);
  });
});
