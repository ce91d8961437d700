/**
 * Text and values made safe to log or hand over (DESIGN §6, issue 12 and 15): phone numbers,
 * tokens and secrets masked wherever they appear, database errors serialized without their
 * parameters, literals or quoted row values. The server's logger and the till's diagnostics
 * bundle both use it. Pure and isomorphic.
 */

export const secret_fields = ['authorization', 'cookie', 'set-cookie', 'password', 'pin', 'token', 'device_token', 'secret', 'csrf_token', 'enrollment_code', 'phone', 'msisdn', 'PhoneNumber', 'x-csrf-token'];

/** A Kenyan mobile number as sent or shown: 2547…, +2547…, 07…, 01…, with or without spaces. */
const kenyan_phone = /(?:\+?254|0)\s?[17]\d{2}\s?\d{3}\s?\d{3}/g;
/** Our tokens (pms_, pmd_) and anything else shaped like a random secret: 24+ url-safe characters. */
const token_like = /pm[sd]_[A-Za-z0-9_-]+|[A-Za-z0-9_+=-]{24,}/g;
const uuid_like = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function maskPhone(match: string): string {
  const digits = match.replace(/\s/g, '');
  return `${digits.slice(0, 4)}*****${digits.slice(-2)}`;
}

/** Text with phone numbers and token-like runs masked (UUIDs, which name rows, are kept). */
export function scrubText(text: string): string {
  return text.replace(kenyan_phone, maskPhone).replace(token_like, (match) => (uuid_like.test(match) || /^[0-9a-f-]{36}$/i.test(match) ? match : '[redacted]'));
}

/** Every string inside `value` scrubbed, and every Error serialized safely; depth-limited. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value instanceof Error) return serializeError(value, depth);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  // Requests, replies and other instances are left to their serializers (req: redactUrl).
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = secret_keys.has(key.toLowerCase()) ? '[redacted]' : scrubValue(inner, depth + 1);
  return out;
}

const secret_keys = new Set(secret_fields.map((field) => field.toLowerCase()));

/** The literals of an SQL text (commitWith inlines its parameters as literals) masked. */
function scrubSql(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, "'…'").replace(/\$\$[\s\S]*?\$\$/g, '$$…$$').slice(0, 500);
}

/** PostgreSQL details that quote row values: "Failing row contains (…)", "Key (cols)=(values) …". */
function scrubDetail(detail: string): string {
  return scrubText(detail.replace(/^(Failing row contains )\(.*\)/s, '$1(…)').replace(/(Key \([^)]*\)=)\(.*?\)( |$)/gs, '$1(…)$2'));
}

/**
 * An error as it may be logged (issue 12): its type, code, SQL state and where it failed, with
 * the message, stack and detail scrubbed; never the parameters of a failed query (PGlite
 * attaches them to its errors as `params`), nor its literals, nor the row values PostgreSQL
 * quotes in a detail.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrubText(String(scrubValue(error, depth + 1) as unknown)) };
  const source = error as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { type: error.constructor?.name ?? 'Error', message: scrubText(error.message) };
  // The frames name code, never data: only the message lines above them are scrubbed.
  if (typeof error.stack === 'string') out['stack'] = error.stack.split('\n').map((line) => (/^\s+at /.test(line) ? line : scrubText(line))).join('\n');
  for (const key of ['code', 'status', 'statusCode', 'field', 'severity', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine', 'where', 'hint']) {
    const value = source[key];
    if (typeof value === 'string' || typeof value === 'number') out[key] = typeof value === 'string' ? scrubText(value) : value;
  }
  if (typeof source['detail'] === 'string') out['detail'] = scrubDetail(source['detail']);
  if (typeof source['query'] === 'string') out['query'] = scrubSql(source['query']);
  if (Array.isArray(source['params'])) out['params'] = `[${source['params'].length} parameters, not logged]`;
  if (error.cause !== undefined && depth < 4) out['cause'] = serializeError(error.cause, depth + 1);
  if (error instanceof AggregateError && depth < 4) out['errors'] = error.errors.slice(0, 5).map((inner: unknown) => serializeError(inner, depth + 1));
  return out;
}
