/**
 * The till page's Content Security Policy, one builder for both hosts: Electron sets it as a
 * response header on its session, the browser host on every response. Only the till's own
 * scripts, styles and API: no remote content, no inline script, no eval, no frames, no forms
 * posting elsewhere. (The built page also carries the renderer's own meta policy; a page obeys
 * both, so the stricter wins.)
 */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

export const till_csp_directives: CspDirectives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

const directive_name = /^[a-z-]+$/;
const source_token = /^[^\s;,]+$/;

export function buildCsp(directives: CspDirectives = till_csp_directives): string {
  return Object.entries(directives)
    .map(([name, sources]) => {
      // A stray ';' or space in a source would smuggle in a directive of its own.
      if (!directive_name.test(name)) throw new Error(`CSP directive name ${JSON.stringify(name)} is not a directive`);
      const bad = sources.find((source) => !source_token.test(source));
      if (bad !== undefined) throw new Error(`CSP source ${JSON.stringify(bad)} of ${name} is not a single source`);
      return sources.length === 0 ? name : `${name} ${sources.join(' ')}`;
    })
    .join('; ');
}

/** The security headers every till response carries, CSP included. */
export function tillSecurityHeaders(csp: string = buildCsp()): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/**
 * Electron's `onHeadersReceived` hands header names in any case and values as arrays: replace
 * whatever CSP a response brought with ours, keep the rest.
 */
export function withTillHeaders(responseHeaders: Record<string, string[] | string> | undefined, csp: string = buildCsp()): Record<string, string[]> {
  const ours = tillSecurityHeaders(csp);
  const kept = Object.entries(responseHeaders ?? {}).filter(([name]) => !Object.hasOwn(ours, name.toLowerCase()));
  return Object.fromEntries([...kept.map(([name, value]) => [name, Array.isArray(value) ? value : [value]]), ...Object.entries(ours).map(([name, value]) => [name, [value]])]);
}
