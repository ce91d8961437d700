/**
 * Retry timing (DESIGN §5 "Retry and status"): capped exponential backoff with jitter from the
 * injected Random, and the server's `Retry-After` when it sends one (429, 503).
 */
import type { Random } from '@payme/shared';

export interface BackoffConfig {
  backoff_base_ms: number;
  backoff_cap_ms: number;
}

/** Attempts past this no longer double the delay (2^16 × base is far past any cap). */
const backoff_exponent_max = 16;

/**
 * Delay before retry number `attempt` (1 = the first retry): a uniformly random point in the
 * upper half of min(cap, base × 2^(attempt-1)), so a shop's tills coming back online together
 * spread out and a retry never comes sooner than half the nominal delay.
 */
export function retryDelayMs(attempt: number, random: Random, config: BackoffConfig): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, backoff_exponent_max);
  const nominal = Math.min(config.backoff_cap_ms, config.backoff_base_ms * 2 ** exponent);
  const low = Math.floor(nominal / 2);
  return random.int(low, Math.max(low, Math.floor(nominal)));
}

/** Longest Retry-After the agent obeys, so a bad header cannot park the till for a day. */
export const retry_after_ms_max = 10 * 60 * 1000;

/**
 * The server's requested wait in ms, from the `Retry-After` header (seconds or an HTTP date) or
 * our error body's `retry_after_seconds`; null when it names none.
 */
export function retryAfterMs(headers: Readonly<Record<string, string | undefined>>, body: unknown, nowMs: number): number | null {
  const header = headers['retry-after'];
  let ms: number | null = null;
  if (header !== undefined && header.trim() !== '') {
    const text = header.trim();
    if (/^\d+$/.test(text)) ms = Number(text) * 1000;
    else {
      const at = Date.parse(text);
      if (!Number.isNaN(at)) ms = Math.max(0, at - nowMs);
    }
  }
  if (ms === null && typeof body === 'object' && body !== null) {
    const seconds = (body as { retry_after_seconds?: unknown }).retry_after_seconds;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) ms = seconds * 1000;
  }
  return ms === null ? null : Math.min(ms, retry_after_ms_max);
}
