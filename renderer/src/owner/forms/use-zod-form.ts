/**
 * Forms validated with shared's zod schemas (the ones the server parses the same body with):
 * the form holds what the person typed, `toInput` turns it into the API body (amounts through
 * `parseKes`, blanks into null), the schema checks it, and each refusal is shown on its field as
 * "Label: message". A refusal from the server that names a field lands on that field too.
 */
import { useState, type FormEvent } from 'react';
import { isPaymeError } from '@payme/shared';
import type { z } from 'zod';
import { isOwnerApiError } from '../api/owner-http.js';
import { errorWords } from '../error-words.js';
import type { Messages } from '../i18n/i18n.js';

export type FieldErrors<V> = Partial<Record<keyof V & string, string>>;

export interface ZodForm<V extends Record<string, string | boolean>> {
  values: V;
  set<K extends keyof V & string>(name: K, value: V[K]): void;
  errors: FieldErrors<V>;
  form_error: string | null;
  submitting: boolean;
  onSubmit(event: FormEvent): void;
  reset(values?: V): void;
}

export interface ZodFormOptions<V extends Record<string, string | boolean>, S extends z.ZodType> {
  initial: V;
  schema: S;
  toInput(values: V): unknown;
  /** Extra checks across fields (a repeated password); errors by field. */
  check?(values: V): FieldErrors<V>;
  submit(input: z.output<S>): Promise<void>;
  t: Messages;
}

/** `email: must be an email address` → `must be an email address` (the label says which field). */
function withoutFieldPrefix(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

export function useZodForm<V extends Record<string, string | boolean>, S extends z.ZodType>(options: ZodFormOptions<V, S>): ZodForm<V> {
  const [values, setValues] = useState<V>(options.initial);
  const [errors, setErrors] = useState<FieldErrors<V>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const fields = new Set(Object.keys(options.initial));

  const fail = (field: string | undefined, message: string) => {
    if (field !== undefined && fields.has(field)) setErrors((old) => ({ ...old, [field]: withoutFieldPrefix(message, field) }));
    else setFormError(message);
  };

  const run = async () => {
    setErrors({});
    setFormError(null);
    const crossField = options.check?.(values) ?? {};
    let input: unknown;
    try {
      input = options.toInput(values);
    } catch (error) {
      if (isPaymeError(error)) return fail(error.field, error.message);
      throw error;
    }
    const parsed = options.schema.safeParse(input);
    const found: FieldErrors<V> = { ...crossField };
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '');
        if (fields.has(field)) found[field as keyof V & string] ??= issue.message;
        else setFormError(issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
      }
    }
    if (Object.keys(found).length > 0 || !parsed.success) {
      setErrors(found);
      return;
    }
    setSubmitting(true);
    try {
      await options.submit(parsed.data);
    } catch (error) {
      if (isOwnerApiError(error) && error.field !== undefined && fields.has(error.field)) fail(error.field, error.message);
      else setFormError(errorWords(error, options.t));
    } finally {
      setSubmitting(false);
    }
  };

  return {
    values,
    set: (name, value) => setValues((old) => ({ ...old, [name]: value })),
    errors,
    form_error: formError,
    submitting,
    onSubmit: (event) => {
      event.preventDefault();
      void run();
    },
    reset: (next) => {
      setValues(next ?? options.initial);
      setErrors({});
      setFormError(null);
    },
  };
}
