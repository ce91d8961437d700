/**
 * The server's hot-path copy of the shared chain hash (DESIGN §5): the same RFC 8785 canonical
 * JSON and SHA-256 as `canonicalJson` / `recordHash` in @payme/shared, byte for byte, but with
 * Node's native SHA-256 instead of the pure-JS one browsers need, and strings that need no escape
 * quoted without a JSON.stringify call. Ingest recomputes every pushed event's hash and hashes one
 * audit entry per event; with the shared functions that was the largest CPU cost of a push.
 * Mirrors electron/src/ledger/event-hash.ts (the till's copy); native-record-hash.test.ts proves
 * equality with the shared functions on arbitrary values, refusals included.
 */
import { createHash } from 'node:crypto';

function refuse(message: string): never {
  throw new Error(message);
}

/** What JSON escapes in a well-formed string: quote, backslash, control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const needs_escape = /["\\\u0000-\u001F]/;
/** Cheap first test: most strings hold no surrogate at all. */
const any_surrogate = /[\uD800-\uDFFF]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const lone_surrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function canonicalString(text: string): string {
  // Same refusal as the shared canonicaliser: a lone surrogate has no UTF-8 form.
  if (any_surrogate.test(text) && lone_surrogate.test(text)) refuse('Lone surrogate is not allowed');
  return needs_escape.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function canonicalValue(value: unknown, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
      return canonicalString(value);
    case 'number':
      if (Number.isNaN(value)) refuse('NaN is not allowed');
      if (!Number.isFinite(value)) refuse('Infinity is not allowed');
      // For a finite number String() is JSON's (and RFC 8785's) ECMAScript number form.
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      // undefined, functions and symbols have no JSON form (bigint throws, as JSON.stringify does).
      return JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (seen.has(value)) refuse('Circular reference detected');
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') {
    seen.add(value);
    const result = canonicalValue((withToJson.toJSON as () => unknown).call(value), seen);
    seen.delete(value);
    return result;
  }
  seen.add(value);
  let result: string;
  if (Array.isArray(value)) {
    // `map` and `join` as the shared canonicaliser uses them: holes stay holes, and an item with
    // no JSON form (a function) joins as an empty string.
    const parts = (value as unknown[]).map((item) => (item === undefined || typeof item === 'symbol' ? 'null' : canonicalValue(item, seen)));
    result = `[${parts.join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    result = '{';
    // Default sort compares UTF-16 code units, which is what RFC 8785 orders keys by.
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined || typeof item === 'symbol') continue;
      if (result.length > 1) result += ',';
      result += `${canonicalString(key)}:${String(canonicalValue(item, seen))}`;
    }
    result += '}';
  }
  seen.delete(value);
  return result;
}

/** RFC 8785 canonical JSON, identical to `canonicalJson` from @payme/shared. */
export function nativeCanonicalJson(value: unknown): string {
  const text = canonicalValue(value, new Set());
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

export function sha256HexNative(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The chain hash of a record, identical to `recordHash` from @payme/shared. */
export function nativeRecordHash(record: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...rest } = record;
  return sha256HexNative(nativeCanonicalJson(rest));
}
