import { rawDb } from './raw-db.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { cashSale, createTestTill, ids, tempDir, type TestTill } from '../../test/ledger-fixture.js';
import { IdleCheckpointer, idle_checkpoint_delay_ms, wal_autocheckpoint_backstop_pages } from './idle-checkpoint.js';

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

describe('WAL checkpoints between commands', () => {
  let till: TestTill | undefined;
  afterEach(() => {
    till?.cleanup();
    till = undefined;
    vi.useRealTimers();
  });

  it('no sale pays for copying the WAL: SQLite checkpoints only past the backstop, the ledger when idle', () => {
    till = createTestTill({ stock: { [ids.soap]: 100_000 } });
    const db = rawDb(till.ledger);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(wal_autocheckpoint_backstop_pages);
    // With SQLite's default (1,000 pages) a commit inside this loop would have copied the WAL into
    // the database and restarted it; here every frame the sales wrote is still in the WAL.
    till.ledger.checkpointer.checkpoint();
    let frames = 0;
    for (let i = 0; i < 300 && frames <= 1_000; i += 1) {
      cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
      frames = (db.pragma('wal_checkpoint(NOOP)') as CheckpointRow[])[0]?.log ?? 0;
    }
    expect(frames).toBeGreaterThan(1_000);
    // The idle checkpoint then copies all of it, without waiting for anyone.
    const result = till.ledger.checkpointer.checkpoint();
    expect(result).toMatchObject({ busy: 0 });
    expect(result?.checkpointed).toBe(result?.log);
  });

  it('runs once the till has been idle for the delay, however many writes came before', () => {
    vi.useFakeTimers();
    till = createTestTill();
    const spy = vi.spyOn(till.ledger.checkpointer, 'checkpoint');
    cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    vi.advanceTimersByTime(idle_checkpoint_delay_ms - 1);
    cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    vi.advanceTimersByTime(idle_checkpoint_delay_ms - 1);
    expect(spy).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(spy).toHaveBeenCalledTimes(1);
    // A refused command re-arms it too: it may have written nothing, a checkpoint is harmless.
    expect(() => till!.ledger.completeSale(ids.cashier, { command_id: 'not-a-uuid' })).toThrow();
    vi.advanceTimersByTime(idle_checkpoint_delay_ms);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('never runs after close, and a closed or busy database only makes it skip', () => {
    const dir = tempDir('payme-checkpoint-');
    try {
      const db = new Database(path.join(dir, 'x.db'));
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE t (n integer)');
      const checkpointer = new IdleCheckpointer(db, 5);
      checkpointer.wrote();
      expect(checkpointer.checkpoint()).toMatchObject({ busy: 0 });
      db.close();
      expect(checkpointer.checkpoint()).toBeNull();
      checkpointer.stop();
      checkpointer.wrote();
      expect(checkpointer.checkpoint()).toBeNull();
      const memory = new IdleCheckpointer(new Database(':memory:'));
      memory.wrote();
      memory.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
