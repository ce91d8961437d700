/**
 * pino options: JSON lines with request ids, and nothing secret in clear (DESIGN §6): tokens,
 * cookies, passwords, PINs, secrets and phone numbers are censored wherever they appear, in
 * database errors too (their parameters, literals and quoted row values; issue 12).
 */
import type { FastifyServerOptions } from 'fastify';
import { scrubText, scrubValue, secret_fields, serializeError } from '@payme/shared';

export { scrubText, scrubValue, serializeError };

/** Redaction paths at the top level and up to three levels deep (pino needs explicit paths). */
export const redact_paths = secret_fields.flatMap((field) => {
  const key = /^[A-Za-z_]\w*$/.test(field) ? field : `["${field}"]`;
  const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
  return [key, join('*'), join('*.*'), join('*.*.*'), join('req.headers'), join('res.headers')];
});

/** Words that may appear in Daraja callback paths; any other segment there may be the secret. */
const mpesa_path_words = new Set(['stk', 'c2b', 'b2c', 'callback', 'callbacks', 'confirmation', 'validation', 'result', 'results', 'timeout', 'query', 'reversal', 'status']);

/** Phone numbers, tokens and path secrets (Daraja callback paths carry one) are masked in URLs. */
export function redactUrl(url: string): string {
  const masked = scrubText(url);
  if (!masked.startsWith('/v1/mpesa/')) return masked;
  const queryAt = masked.indexOf('?');
  const pathPart = queryAt < 0 ? masked : masked.slice(0, queryAt);
  const segments = pathPart.split('/').map((segment, index) => (index < 3 || mpesa_path_words.has(segment) ? segment : '[redacted]'));
  return segments.join('/') + (queryAt < 0 ? '' : masked.slice(queryAt));
}

export type LoggerOption = false | { level?: string; stream?: { write(line: string): void } };

export function loggerOptions(option: LoggerOption | undefined): FastifyServerOptions['logger'] {
  if (option === false || option === undefined) return false;
  return {
    level: option.level ?? 'info',
    ...(option.stream ? { stream: option.stream } : {}),
    redact: { paths: redact_paths, censor: '[redacted]' },
    // Every field of every line is scrubbed of phone numbers and token-like text, and errors are
    // serialized without query parameters, whatever a caller passes to the logger.
    formatters: { log: (object: Record<string, unknown>) => scrubValue(object) as Record<string, unknown> },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), id: req.id }),
      err: (error: unknown) => (error instanceof Error ? serializeError(error) : scrubValue(error)),
    },
  } as FastifyServerOptions['logger'];
}
