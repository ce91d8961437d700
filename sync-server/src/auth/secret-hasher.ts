/**
 * Password and PIN hashing for the server, off the event loop (issue 12, defect 4: a burst of
 * wrong-password sign-ins hashed on the main thread delayed Daraja callback acknowledgements by
 * seconds). The stored format and the checks are shared's (`createSecretHasher`); only the
 * scrypt step runs here, with Node's native scrypt in a small piscina worker pool:
 *
 * - its own threads, not libuv's pool: that pool has 4 threads by default and also serves
 *   `dns.lookup` (every Daraja call resolves Safaricom's host name) and async file reads, so 50
 *   queued hashes there would stall M-Pesa processing behind them;
 * - few threads (cores − 1 by default, at least 1) at a lower scheduling priority (nice), so the
 *   event loop keeps a core to answer callbacks even while every hash thread is busy;
 * - a bounded queue: past `queue_max` waiting hashes a sign-in is refused at once
 *   (`SecretHasherBusy`: 503, and the sign-in route adds Retry-After) rather than queued without end.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { createSecretHasher, scryptMemoryBytes, type Random, type SecretHasher } from '@payme/shared';
import { HttpError } from '../http/errors.js';

export interface SecretHasherOptions {
  /** Hash threads; the default leaves one core to the event loop. */
  threads?: number;
  /** Hashes that may wait for a thread before new ones are refused. */
  queue_max?: number;
}

export const default_hash_threads = Math.max(1, availableParallelism() - 1);
export const default_hash_queue_max = 64;
/** Lower priority for the hash threads: the event loop (callbacks, health checks) comes first. */
const hash_thread_nice = 10;
/** An idle hash thread stays this long before it exits (a new one starts in ~30 ms). */
const hash_thread_idle_ms = 30_000;

/** How long a request refused because every hash thread is busy is told to wait. */
export const hasher_busy_retry_s = 2;

/** Every hash thread is busy and `queue_max` hashes already wait: 503, try again shortly. */
export class SecretHasherBusy extends HttpError {
  constructor(readonly waiting: number) {
    super(503, 'hasher_busy', `The server is busy checking other sign-ins; try again in ${hasher_busy_retry_s} s`, undefined, { retry_after_seconds: hasher_busy_retry_s });
  }
}

export interface ServerSecretHasher extends SecretHasher {
  /** Hashes running or waiting now. */
  pending(): number;
  /**
   * Runs a whole password check (its queries and its hash) when a hash thread is about to be
   * free: at most threads + 1 at once, the rest waiting in turn, at most `queue_max` of them;
   * past that it refuses at once with `SecretHasherBusy`. A burst of sign-ins then does its
   * database work one by one at the pace of the hashes, not all of it at once ahead of every
   * other request (on PGlite every query runs on the event loop, one at a time).
   */
  admit<T>(check: () => Promise<T>): Promise<T>;
  /** Checks admitted and running, and checks waiting for their turn. */
  admitted(): { running: number; waiting: number };
  /** Stops the threads; pending hashes fail. */
  close(): Promise<void>;
}

interface DeriveTask {
  password: Uint8Array;
  salt: Uint8Array;
  log2N: number;
  r: number;
  p: number;
  dkLen: number;
  maxmem: number;
}

export function createWorkerSecretHasher(random: Random, options: SecretHasherOptions = {}): ServerSecretHasher {
  const threads = options.threads ?? default_hash_threads;
  const queueMax = options.queue_max ?? default_hash_queue_max;
  if (!Number.isSafeInteger(threads) || threads < 1) throw new RangeError(`hash threads must be a whole number of at least 1, not ${threads}`);
  if (!Number.isSafeInteger(queueMax) || queueMax < 0) throw new RangeError(`hash queue limit must be a whole number, not ${queueMax}`);
  // Started on the first hash: a server (or a test) that never hashes never starts a thread.
  let pool: Piscina<DeriveTask, Uint8Array> | null = null;
  let pending = 0;
  const hasher = createSecretHasher(async (password, salt, cost, dkLen) => {
    if (pending >= threads + queueMax) throw new SecretHasherBusy(pending - threads);
    pending += 1;
    try {
      pool ??= new Piscina<DeriveTask, Uint8Array>({
        filename: new URL('./scrypt.worker.mjs', import.meta.url).href,
        minThreads: 0,
        maxThreads: threads,
        idleTimeout: hash_thread_idle_ms,
        niceIncrement: process.platform === 'win32' ? 0 : hash_thread_nice,
      });
      // Node's default maxmem (32 MiB) is below what N = 2^15, r = 8 needs.
      return await pool.run({ password, salt, log2N: cost.log2N, r: cost.r, p: cost.p, dkLen, maxmem: scryptMemoryBytes(cost) });
    } finally {
      pending -= 1;
    }
  }, random);
  // One more than the threads, so the next check's queries overlap the running hash.
  const admitMax = threads + 1;
  let running = 0;
  const turns: Array<() => void> = [];
  return {
    ...hasher,
    pending: () => pending,
    async admit(check) {
      if (running < admitMax) running += 1;
      else if (turns.length >= queueMax) throw new SecretHasherBusy(turns.length);
      else await new Promise<void>((resolve) => turns.push(resolve));
      try {
        return await check();
      } finally {
        // The slot passes straight to the next in line, so a newcomer cannot overtake them.
        const next = turns.shift();
        if (next) next();
        else running -= 1;
      }
    },
    admitted: () => ({ running, waiting: turns.length }),
    async close() {
      const closing = pool;
      pool = null;
      await closing?.destroy();
    },
  };
}
