/**
 * Time and randomness are injected (DESIGN §2): domain code takes a `Clock` and a `Random`
 * from its caller. Only the adapters here touch the platform's clock and entropy.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The platform clock: the one place domain time comes from in production. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock tests and the simulation move by hand. It never goes backwards unless told to with
 * `set`, so tests can also model a till whose clock was wrong.
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(startMs = Date.UTC(2026, 0, 1, 6, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance needs a non-negative duration');
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}

/** ISO-8601 UTC timestamp of a clock reading, as events carry it. */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
