/**
 * Long-poll and SSE waiters of one server instance: each waits for "business X changed" (from
 * the FeedNotifier, which also relays other instances' NOTIFYs on PostgreSQL) or its timeout.
 * The number of waiters is bounded; past the bound a caller is told to come back later instead
 * of holding yet another socket and timer.
 */
import type { FeedNotifier } from './changes.js';

/** Open long-polls and SSE streams one instance holds at most. */
export const feed_waiters_max = 10_000;

type Wake = () => void;

export class FeedWaiters {
  private readonly byBusiness = new Map<string, Set<Wake>>();
  private count = 0;
  private readonly unsubscribe: () => void;

  constructor(
    notifier: FeedNotifier,
    readonly max: number = feed_waiters_max,
  ) {
    this.unsubscribe = notifier.onFeedChange((businessId) => this.wakeAll(businessId));
  }

  get size(): number {
    return this.count;
  }

  /**
   * Registers a waiter before the caller reads, so a change committed between the read and the
   * wait is not missed. Returns null when the bound is reached.
   */
  register(businessId: string): Waiter | null {
    if (this.count >= this.max) return null;
    return new Waiter(this, businessId);
  }

  /** @internal */
  add(businessId: string, wake: Wake): void {
    let set = this.byBusiness.get(businessId);
    if (!set) {
      set = new Set();
      this.byBusiness.set(businessId, set);
    }
    set.add(wake);
    this.count += 1;
  }

  /** @internal */
  remove(businessId: string, wake: Wake): void {
    const set = this.byBusiness.get(businessId);
    if (!set?.delete(wake)) return;
    this.count -= 1;
    if (set.size === 0) this.byBusiness.delete(businessId);
  }

  close(): void {
    this.unsubscribe();
    for (const set of this.byBusiness.values()) for (const wake of [...set]) wake();
  }

  private wakeAll(businessId: string): void {
    const set = this.byBusiness.get(businessId);
    if (!set) return;
    for (const wake of [...set]) wake();
  }
}

/** One registered wait: `changed(ms)` resolves true on a wake-up, false on timeout or cancel. */
export class Waiter {
  private woken = false;
  private resolve: ((changed: boolean) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private done = false;
  private readonly wake: Wake = () => {
    this.woken = true;
    this.finish(true);
  };

  constructor(
    private readonly waiters: FeedWaiters,
    private readonly businessId: string,
  ) {
    waiters.add(businessId, this.wake);
  }

  /** Waits up to `ms` for a change (resolves at once when one already came since registering). */
  changed(ms: number): Promise<boolean> {
    if (this.done) return Promise.resolve(false);
    if (this.woken) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.finish(false), ms);
    });
  }

  /** Forgets a wake-up already seen; a stream calls it before each read, then waits again. */
  rearm(): void {
    this.woken = false;
  }

  cancel(): void {
    this.finish(false);
    this.done = true;
    this.waiters.remove(this.businessId, this.wake);
  }

  private finish(changed: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const resolve = this.resolve;
    this.resolve = null;
    resolve?.(changed);
  }
}
