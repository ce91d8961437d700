import { describe, expect, it } from 'vitest';
import { buildCsp, tillSecurityHeaders, withTillHeaders } from './csp.js';

describe('till CSP', () => {
  it('allows only the till itself: no remote content, inline script, frames or foreign forms', () => {
    const csp = buildCsp();
    const directives = new Map(csp.split('; ').map((part) => [part.split(' ')[0], part.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('refuses a source that would smuggle in another directive', () => {
    expect(() => buildCsp({ 'script-src': ["'self'; script-src *"] })).toThrow(/not a single source/);
    expect(() => buildCsp({ 'script-src x': ["'self'"] })).toThrow(/not a directive/);
  });

  it('replaces a CSP the response brought, whatever its case, and keeps other headers', () => {
    const headers = withTillHeaders({ 'Content-Security-Policy': ['default-src *'], 'Content-Type': 'text/html' }, "default-src 'self'");
    expect(headers['Content-Security-Policy']).toBeUndefined();
    expect(headers['content-security-policy']).toEqual(["default-src 'self'"]);
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(headers['x-content-type-options']).toEqual(['nosniff']);
    expect(Object.keys(tillSecurityHeaders())).toContain('x-frame-options');
  });
});
