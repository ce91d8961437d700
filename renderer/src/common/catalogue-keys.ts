/**
 * Every key path of a message catalogue, functions and strings alike, so the catalogue tests of
 * both UIs catch a word missing in one language, however deeply it is nested.
 */
export function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keyPaths(inner, prefix === '' ? key : `${prefix}.${key}`));
}

/** The word at a key path (`page.sales`). */
export function wordAt(catalogue: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], catalogue);
}
