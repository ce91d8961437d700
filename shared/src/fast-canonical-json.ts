/**
 * RFC 8785 canonical JSON for the hot paths (the till's sale path, the server's ingest): the same
 * bytes and the same refusals as `canonicalJson` (which uses the `canonicalize` package), several
 * times faster. Plain JSON data takes a key-sorted copy and native `JSON.stringify`; anything else
 * (toJSON, sparse arrays, lone surrogates, integer-like keys, undefined members…) takes a general
 * walk written to match `canonicalize` exactly. `fast-canonical-json.test.ts` proves equality on
 * arbitrary values. Hashing stays with each caller: Node's native SHA-256 on the till and the
 * server, @noble/hashes in the browser.
 */
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
  // JSON.stringify per string costs more than the rest of the walk; most strings need no escape.
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

/** Marks a value the sorted copy cannot take as is: the general walk above handles it. */
const not_plain = Symbol('not plain');

/**
 * A copy of plain JSON data (plain objects, dense arrays, finite numbers, strings without a lone
 * surrogate, booleans, null) with every object's keys in RFC 8785 order, or `not_plain`. For such
 * data `JSON.stringify` of the copy is the canonical form: it writes keys in insertion order,
 * numbers in the same ECMAScript form, and escapes exactly what RFC 8785 escapes. Objects whose
 * key order stringify would not keep (integer-like keys always come first) or could not set
 * (`__proto__`) go to the general walk. Native stringify is faster than building the text here.
 */
function sortedCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return any_surrogate.test(value) ? not_plain : value;
    case 'number':
      return Number.isFinite(value) ? value : not_plain;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return not_plain;
  }
  if (value === null) return null;
  // Deep nesting (and so cycles) goes to the general walk, which refuses cycles by name.
  if (depth > 32) return not_plain;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    const copy: unknown[] = new Array(items.length);
    for (let i = 0; i < items.length; i += 1) {
      if (!(i in items)) return not_plain;
      const item = sortedCopy(items[i], depth + 1);
      if (item === not_plain) return not_plain;
      copy[i] = item;
    }
    return copy;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype) return not_plain;
  const record = value as Record<string, unknown>;
  if (typeof record['toJSON'] === 'function') return not_plain;
  const keys = Object.keys(record).sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    // An integer-like key would be written first by stringify whatever the insertion order.
    if (key === '__proto__' || integer_like.test(key) || any_surrogate.test(key)) return not_plain;
    const item = sortedCopy(record[key], depth + 1);
    if (item === not_plain) return not_plain;
    copy[key] = item;
  }
  return copy;
}

/** Keys JavaScript treats as array indices: objects list them first, in numeric order. */
const integer_like = /^(?:0|[1-9]\d*)$/;

/** RFC 8785 canonical JSON, identical to `canonicalJson` from @payme/shared. */
export function fastCanonicalJson(value: unknown): string {
  const copy = sortedCopy(value, 0);
  if (copy !== not_plain) return JSON.stringify(copy);
  const text = canonicalValue(value, new Set());
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}
