/**
 * A labelled input whose refusal is shown under it as "Label: message", tied to the input with
 * aria-describedby and aria-invalid, so a screen reader says which field and why.
 */
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { useT } from '../i18n/i18n.js';

interface FieldFrame {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
}

function FieldError({ id, label, error }: { id: string; label: string; error: string | undefined }) {
  const t = useT();
  if (error === undefined) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {t.field_error(label, error)}
    </p>
  );
}

export function Field({ label, error, hint, ...input }: FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, 'children'>) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const described = [error !== undefined ? errorId : null, hint !== undefined ? hintId : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error !== undefined} aria-describedby={described === '' ? undefined : described} {...input} />
      {hint !== undefined && (
        <small id={hintId} className="hint">
          {hint}
        </small>
      )}
      <FieldError id={errorId} label={label} error={error} />
    </div>
  );
}

export function SelectField({ label, error, hint, children, ...select }: FieldFrame & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error !== undefined} aria-describedby={error !== undefined ? errorId : undefined} {...select}>
        {children}
      </select>
      {hint !== undefined && <small className="hint">{hint}</small>}
      <FieldError id={errorId} label={label} error={error} />
    </div>
  );
}

export function CheckboxField({ label, error, ...input }: FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field field-checkbox">
      <input id={id} type="checkbox" aria-invalid={error !== undefined} aria-describedby={error !== undefined ? errorId : undefined} {...input} />
      <label htmlFor={id}>{label}</label>
      <FieldError id={errorId} label={label} error={error} />
    </div>
  );
}

/** A form-level refusal (not tied to one field). */
export function FormError({ message }: { message: string | null }) {
  if (message === null) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
