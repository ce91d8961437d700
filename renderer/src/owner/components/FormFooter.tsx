/** The end of a form: its refusal (not tied to one field), what saving did, and the submit button. */
import { FormError } from './Field.js';

export interface FormFooterProps {
  form_error: string | null;
  notice: string | null;
  submitting: boolean;
  submit: string;
  submitting_text: string;
}

export function FormFooter({ form_error, notice, submitting, submit, submitting_text }: FormFooterProps) {
  return (
    <>
      <FormError message={form_error} />
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <button type="submit" className="primary" disabled={submitting}>
        {submitting ? submitting_text : submit}
      </button>
    </>
  );
}
