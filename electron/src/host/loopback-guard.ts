/**
 * The browser host listens on 127.0.0.1 only, and that alone is not enough: a web page the
 * cashier opens elsewhere could point a DNS name at 127.0.0.1 (DNS rebinding) or post a form to
 * it (CSRF). So every request must name the loopback origin in `Host`, and any `Origin` it
 * carries must be exactly that origin too.
 */
export const loopback_hostnames = ['127.0.0.1', 'localhost', '[::1]'] as const;

export type GuardVerdict = { ok: true } | { ok: false; code: 'forbidden_host' | 'forbidden_origin'; message: string };

export function loopbackAuthorities(port: number): Set<string> {
  return new Set(loopback_hostnames.map((hostname) => `${hostname}:${port}`));
}

export function checkLoopbackRequest(headers: { host?: string | undefined; origin?: string | undefined }, port: number): GuardVerdict {
  const allowed = loopbackAuthorities(port);
  const host = headers.host?.toLowerCase();
  if (host === undefined || !allowed.has(host)) {
    return { ok: false, code: 'forbidden_host', message: 'This till answers only on its loopback address (127.0.0.1)' };
  }
  const origin = headers.origin;
  if (origin !== undefined && !allowed.has(originAuthority(origin) ?? '')) {
    return { ok: false, code: 'forbidden_origin', message: 'Requests from other web pages are refused' };
  }
  return { ok: true };
}

/** `http://127.0.0.1:4312` → `127.0.0.1:4312`; anything else (https, a path, `null`) → null. */
function originAuthority(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || url.pathname !== '/' || url.username !== '' || origin.endsWith('/')) return null;
  // URL drops the port when it is the scheme's default; the till never listens on 80 anyway.
  return url.port === '' ? null : `${url.hostname.toLowerCase()}:${url.port}`;
}
