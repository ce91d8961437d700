/**
 * One set of names from the till to the owner view (issue 14): what one hop emits must be what
 * the next hop reads, field for field. `wireMismatches` parses a value with the schema the next
 * hop parses it with and lists what does not fit:
 * - anything the schema refuses (a renamed required field, a wrong type), with the path;
 * - every key the schema does not declare, even where the schema lets extra keys through (loose
 *   objects, kept so an older reader survives a newer writer). Within one release, a key the
 *   reader does not declare is a field that was renamed, or one the reader silently ignores.
 *
 * The walk follows zod's own definitions (objects, arrays, optionals, unions, pipes, records,
 * lazies), so it needs no copy of any schema.
 */
import type { z } from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
};

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function undeclared(schema: z.ZodType, value: unknown, path: string, found: string[]): void {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      if (!isPlainObject(value)) return;
      const shape = def.shape ?? {};
      for (const [key, item] of Object.entries(value)) {
        const field = shape[key];
        if (field === undefined) found.push(`${join(path, key)}: not declared by the reader`);
        else undeclared(field, item, join(path, key), found);
      }
      return;
    }
    case 'array':
      if (Array.isArray(value) && def.element) value.forEach((item, index) => undeclared(def.element!, item, join(path, index), found));
      return;
    case 'record':
      if (isPlainObject(value) && def.valueType) for (const [key, item] of Object.entries(value)) undeclared(def.valueType, item, join(path, key), found);
      return;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      if (value !== undefined && value !== null && def.innerType) undeclared(def.innerType, value, path, found);
      return;
    case 'pipe':
      if (def.in) undeclared(def.in, value, path, found);
      return;
    case 'lazy':
      if (def.getter) undeclared(def.getter(), value, path, found);
      return;
    case 'union': {
      // The option the value parses as is the one the reader takes.
      const option = (def.options ?? []).find((candidate) => candidate.safeParse(value).success);
      if (option) undeclared(option, value, path, found);
      return;
    }
    case 'intersection':
      // Each side declares part of the keys; a key is undeclared only if neither side has it.
      if (def.left && def.right) {
        const left: string[] = [];
        const right: string[] = [];
        undeclared(def.left, value, path, left);
        undeclared(def.right, value, path, right);
        found.push(...left.filter((entry) => right.includes(entry)));
      }
      return;
    default:
      return;
  }
}

/** What in `value` the reader's `schema` refuses or does not declare; empty when the hop fits. */
export function wireMismatches(schema: z.ZodType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  const found: string[] = [];
  undeclared(schema, value, '', found);
  return found;
}
