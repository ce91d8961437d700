import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it returns something other than null, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${timeoutMs} ms${lastError === null ? '' : `: ${String(lastError)}`}`);
    await sleep(everyMs);
  }
}
