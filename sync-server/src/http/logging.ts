/**
 * pino options: JSON lines with request ids, and nothing secret in clear (DESIGN §6): tokens,
 * cookies, passwords, PINs, secrets and phone numbers are censored wherever they appear.
 */
import type { FastifyServerOptions } from 'fastify';

const secret_fields = ['authorization', 'cookie', 'set-cookie', 'password', 'pin', 'token', 'device_token', 'secret', 'csrf_token', 'enrollment_code', 'phone', 'msisdn', 'PhoneNumber', 'x-csrf-token'];

/** Redaction paths at the top level and up to three levels deep (pino needs explicit paths). */
export const redact_paths = secret_fields.flatMap((field) => {
  const key = /^[A-Za-z_]\w*$/.test(field) ? field : `["${field}"]`;
  const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
  return [key, join('*'), join('*.*'), join('*.*.*'), join('req.headers'), join('res.headers')];
});

const kenyan_phone = /(?:\+?254|0)(?:7|1)\d{8}/g;

/** Words that may appear in Daraja callback paths; any other segment there may be the secret. */
const mpesa_path_words = new Set(['stk', 'c2b', 'b2c', 'callback', 'callbacks', 'confirmation', 'validation', 'result', 'results', 'timeout', 'query', 'reversal', 'status']);

/** Phone numbers and path secrets (Daraja callback paths carry one) are masked in URLs. */
export function redactUrl(url: string): string {
  const masked = url.replace(kenyan_phone, (match) => `${match.slice(0, 4)}*****${match.slice(-2)}`);
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
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), id: req.id }),
    },
  } as FastifyServerOptions['logger'];
}
