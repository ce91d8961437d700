/**
 * Timers through an injected scheduler (DESIGN §2): the agent never calls setTimeout itself, so
 * tests and the simulation run it on simulated time.
 */

export interface Scheduler {
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real timer: the process-edge adapter used by the till app. */
export const realScheduler: Scheduler = {
  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/**
 * A scheduler on simulated time: `sleep` registers a wake-up; `advance(ms)` moves the clock and
 * resolves every sleeper due by then, in due order (ties in registration order).
 */
export class ManualScheduler implements Scheduler {
  private sleepers: { due: number; order: number; resolve: () => void }[] = [];
  private order = 0;

  constructor(private readonly clock: { now(): number; advance(ms: number): void }) {}

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { due: this.clock.now() + Math.max(0, ms), order: (this.order += 1), resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((entry) => entry !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Number of pending sleepers. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** The earliest due time among sleepers, or null. */
  nextDue(): number | null {
    return this.sleepers.reduce<number | null>((min, entry) => (min === null || entry.due < min ? entry.due : min), null);
  }

  /** Advances the clock by `ms`, waking sleepers in order and letting each one's continuation run. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    for (;;) {
      // Let work already running reach its next sleep before deciding who is due.
      await settle();
      const due = this.sleepers.filter((entry) => entry.due <= target).sort((a, b) => a.due - b.due || a.order - b.order)[0];
      if (due === undefined) break;
      this.sleepers = this.sleepers.filter((entry) => entry !== due);
      if (due.due > this.clock.now()) this.clock.advance(due.due - this.clock.now());
      due.resolve();
    }
    if (target > this.clock.now()) this.clock.advance(target - this.clock.now());
    await settle();
  }
}

/** Lets pending promise continuations run (a few macrotask turns, for chains of awaits). */
export async function settle(turns = 5): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
