import { describe, expect, it } from 'vitest';
import { FeedNotifier } from './changes.js';
import { FeedWaiters } from './long-poll.js';
import type { Db } from '../db/db.js';

const fakeDb = { kind: 'pglite' } as unknown as Db;

describe('FeedWaiters', () => {
  it('wakes only the waiters of the business that changed', async () => {
    const notifier = new FeedNotifier(fakeDb, 'test');
    const waiters = new FeedWaiters(notifier);
    const a = waiters.register('A')!;
    const b = waiters.register('B')!;
    const waitA = a.changed(5_000);
    const waitB = b.changed(50);
    notifier.notifyFeed('A');
    expect(await waitA).toBe(true);
    expect(await waitB).toBe(false);
    a.cancel();
    b.cancel();
    expect(waiters.size).toBe(0);
  });

  it('keeps a wake-up that came between registering and waiting', async () => {
    const notifier = new FeedNotifier(fakeDb, 'test');
    const waiters = new FeedWaiters(notifier);
    const waiter = waiters.register('A')!;
    notifier.notifyFeed('A');
    expect(await waiter.changed(5_000)).toBe(true);
    waiter.rearm();
    expect(await waiter.changed(10)).toBe(false);
    waiter.cancel();
    expect(await waiter.changed(5_000)).toBe(false);
  });

  it('refuses waiters past the bound and frees the slot on cancel', () => {
    const waiters = new FeedWaiters(new FeedNotifier(fakeDb, 'test'), 2);
    const first = waiters.register('A');
    expect(waiters.register('A')).not.toBeNull();
    expect(waiters.register('B')).toBeNull();
    first?.cancel();
    first?.cancel();
    expect(waiters.register('B')).not.toBeNull();
  });

  it('releases every waiter when closed', async () => {
    const waiters = new FeedWaiters(new FeedNotifier(fakeDb, 'test'));
    const waiting = waiters.register('A')!.changed(60_000);
    waiters.close();
    expect(await waiting).toBe(true);
  });
});
