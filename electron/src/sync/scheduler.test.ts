import { describe, expect, it } from 'vitest';
import { ManualClock } from '@payme/shared';
import { ManualScheduler, realScheduler } from './scheduler.js';

describe('realScheduler', () => {
  it('sleeps about the asked time, and wakes at once when aborted (before or during)', async () => {
    const started = performance.now();
    await realScheduler.sleep(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    const aborted = new AbortController();
    aborted.abort();
    const quick = performance.now();
    await realScheduler.sleep(60_000, aborted.signal);
    const during = new AbortController();
    const sleeping = realScheduler.sleep(60_000, during.signal);
    during.abort();
    await sleeping;
    expect(performance.now() - quick).toBeLessThan(1_000);
  });
});

describe('ManualScheduler', () => {
  it('wakes sleepers in due order as simulated time passes, and moves the clock to each', async () => {
    const clock = new ManualClock(0);
    const scheduler = new ManualScheduler(clock);
    const woke: [string, number][] = [];
    void scheduler.sleep(300).then(() => woke.push(['c', clock.now()]));
    void scheduler.sleep(100).then(() => woke.push(['a', clock.now()]));
    void scheduler.sleep(100).then(() => woke.push(['b', clock.now()]));
    expect(scheduler.pending).toBe(3);
    expect(scheduler.nextDue()).toBe(100);
    await scheduler.advance(200);
    expect(woke).toEqual([['a', 100], ['b', 100]]);
    expect(clock.now()).toBe(200);
    await scheduler.advance(100);
    expect(woke.at(-1)).toEqual(['c', 300]);
    expect(scheduler.nextDue()).toBeNull();
  });

  it('an aborted sleeper leaves the queue at once', async () => {
    const scheduler = new ManualScheduler(new ManualClock(0));
    const stop = new AbortController();
    const sleeping = scheduler.sleep(1_000, stop.signal);
    stop.abort();
    await sleeping;
    expect(scheduler.pending).toBe(0);
    await scheduler.sleep(5, stop.signal); // already aborted: returns at once
  });
});
