import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@payme/shared';
import { retryAfterMs, retryDelayMs, retry_after_ms_max } from './backoff.js';

describe('retryDelayMs', () => {
  it('doubles from the base, stays in the upper half of the nominal delay, and never passes the cap', () => {
    const random = new SeededRandom(3);
    const config = { backoff_base_ms: 500, backoff_cap_ms: 10_000 };
    for (let attempt = 1; attempt <= 40; attempt += 1) {
      const nominal = Math.min(10_000, 500 * 2 ** (attempt - 1));
      const delay = retryDelayMs(attempt, random, config);
      expect(delay).toBeGreaterThanOrEqual(nominal / 2);
      expect(delay).toBeLessThanOrEqual(nominal);
    }
  });

  it('jitters: the same attempt on two tills does not retry at the same instant', () => {
    const a = retryDelayMs(5, new SeededRandom(1), { backoff_base_ms: 500, backoff_cap_ms: 60_000 });
    const b = retryDelayMs(5, new SeededRandom(2), { backoff_base_ms: 500, backoff_cap_ms: 60_000 });
    expect(a).not.toBe(b);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 10, 26, 6, 0, 0);
  it('reads seconds, an HTTP date, or our body field, and caps it', () => {
    expect(retryAfterMs({ 'retry-after': '12' }, null, now)).toBe(12_000);
    expect(retryAfterMs({ 'retry-after': new Date(now + 4_000).toUTCString() }, null, now)).toBe(4_000);
    expect(retryAfterMs({ 'retry-after': new Date(now - 4_000).toUTCString() }, null, now)).toBe(0);
    expect(retryAfterMs({}, { retry_after_seconds: 3 }, now)).toBe(3_000);
    expect(retryAfterMs({ 'retry-after': '999999' }, null, now)).toBe(retry_after_ms_max);
  });
  it('is null when the server named no wait or an unreadable one', () => {
    expect(retryAfterMs({}, null, now)).toBeNull();
    expect(retryAfterMs({ 'retry-after': 'soon' }, { retry_after_seconds: -1 }, now)).toBeNull();
    expect(retryAfterMs({ 'retry-after': ' ' }, 'text', now)).toBeNull();
  });
});
