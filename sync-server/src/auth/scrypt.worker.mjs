/**
 * The worker side of the server's secret hasher (secret-hasher.ts): one scrypt, with Node's
 * native implementation, in a pool thread of its own, so a sign-in never runs its ~100 ms of
 * hashing on the event loop that acknowledges Daraja callbacks. Plain JavaScript so it loads in
 * a worker thread without the TypeScript loader the main process runs under.
 */
import { scryptSync } from 'node:crypto';

/** `{password, salt, log2N, r, p, dkLen, maxmem}` → the derived key (a Uint8Array once it crosses back). */
export default function derive({ password, salt, log2N, r, p, dkLen, maxmem }) {
  return scryptSync(password, salt, dkLen, { N: 2 ** log2N, r, p, maxmem });
}
