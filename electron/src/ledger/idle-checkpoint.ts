/**
 * WAL checkpoints between commands, not inside them. SQLite's default copies the WAL into the
 * database file (and fsyncs it) from inside whichever commit pushes the WAL past 1,000 pages:
 * about one sale in eighty paid for that copy, which set the sale's p99. The till's connection
 * instead checkpoints once it has been idle for a moment, and SQLite's own checkpoint stays only
 * as a backstop for a till that is never idle, at a WAL size it should never reach.
 *
 * The timer paces the process, it is not domain time, so it is a real timer (unref'd: it never
 * keeps a process alive) rather than the injected Clock.
 */
import type { Db } from './db.js';

/** How long after the last write the checkpoint runs. */
export const idle_checkpoint_delay_ms = 1_000;
/** SQLite's own checkpoint, as a backstop: 16,384 pages of 4 KiB, 64 MiB of WAL. */
export const wal_autocheckpoint_backstop_pages = 16_384;

export class IdleCheckpointer {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly delayMs: number = idle_checkpoint_delay_ms,
  ) {}

  /** After a write: the checkpoint waits until the till has been idle for the delay. */
  wrote(): void {
    if (this.stopped || this.db.memory) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => this.checkpoint(), this.delayMs);
    this.timer.unref();
  }

  /**
   * Copies what it can of the WAL into the database without waiting for other connections
   * (PASSIVE), so a second process on the file is never blocked by it. Returns SQLite's answer.
   */
  checkpoint(): { busy: number; log: number; checkpointed: number } | null {
    this.timer = null;
    if (this.stopped || !this.db.open) return null;
    try {
      const [row] = this.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      return row ?? null;
    } catch {
      // The file is busy or gone: the next write arms another try, and the backstop remains.
      return null;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
