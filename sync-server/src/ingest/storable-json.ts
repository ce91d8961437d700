/**
 * PostgreSQL's jsonb refuses two things JSON itself allows: the NUL character (`\u0000`) and
 * unpaired UTF-16 surrogates. An event carrying either is still hashed and chained (its hash is
 * valid), but is quarantined and kept as JSON text instead of jsonb.
 */

/** Nesting deeper than this is no event a till writes; it is refused before any recursion. */
export const event_depth_max = 32;

function storable(text: string): boolean {
  return !text.includes('\u0000') && (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** NUL and unpaired surrogates: the characters text and jsonb columns refuse. */
// eslint-disable-next-line no-control-regex -- NUL is the very character this looks for.
const unstorable_characters = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` with each character PostgreSQL cannot store written as its `\uXXXX` escape: for the
 * words that name an unstorable path (the quarantine reason and field), which must be storable
 * themselves or the event they describe could not be quarantined.
 */
export function storableText(text: string): string {
  return text.replace(unstorable_characters, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The quick yes/no walk every pushed event takes: no path strings, no entry arrays. */
function allStorable(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return storable(value);
  if (value === null || typeof value !== 'object') return true;
  if (depth >= event_depth_max) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!allStorable(item, depth + 1)) return false;
    return true;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!storable(key) || !allStorable((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** The dotted path of the first string or key jsonb cannot store, or null when all can be. */
export function unstorablePath(value: unknown, path = '', depth = 0): string | null {
  // Almost every event passes: answer that cheaply, and name the path only for one that fails.
  if (depth === 0 && allStorable(value, 0)) return null;
  if (typeof value === 'string') return storable(value) ? null : path;
  if (value === null || typeof value !== 'object') return null;
  if (depth >= event_depth_max) return path;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, inner] of entries) {
    const innerPath = path === '' ? key : `${path}.${key}`;
    if (!storable(key)) return innerPath;
    const found = unstorablePath(inner, innerPath, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** Nesting depth of a JSON value, capped just past the limit so a hostile one costs little. */
export function jsonDepthExceeds(value: unknown, max: number = event_depth_max, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= max) return true;
  const inner = Array.isArray(value) ? value : Object.values(value);
  return inner.some((item) => jsonDepthExceeds(item, max, depth + 1));
}
