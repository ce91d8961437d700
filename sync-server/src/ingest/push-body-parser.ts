/**
 * The JSON parser of the push route. Fastify's default refuses bodies that smuggle `__proto__` or
 * `constructor` keys (prototype poisoning), by scanning the raw text with two regular expressions
 * before trusting JSON.parse. On a 200-event push (about 200 KB) that scan cost about as much as
 * parsing the body itself. A body whose text contains neither name, nor any `\u` escape that
 * could spell one, cannot hold such a key, so it is parsed with JSON.parse alone; every other body
 * (and every body JSON.parse refuses) goes to Fastify's own parser, with its own checks and errors.
 */
import type { FastifyInstance } from 'fastify';

export function installPushBodyParser(scope: FastifyInstance): void {
  const guarded = scope.getDefaultJsonParser('error', 'error');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.length > 0 && !text.includes('__proto__') && !text.includes('constructor') && !text.includes('\\u')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        guarded(request, text, done);
        return;
      }
      done(null, parsed);
      return;
    }
    guarded(request, text, done);
  });
}
