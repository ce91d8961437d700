/** Copies a text to the clipboard and says whether it worked (role=status), in the page's words. */
import { useState } from 'react';
import { useDeps } from '../deps.js';
import { useT } from '../i18n/i18n.js';

export function CopyButton({ label, text }: { label: string; text: string }) {
  const t = useT().reports;
  const { clipboard } = useDeps();
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  const copy = () => {
    clipboard.writeText(text).then(
      () => setOutcome('copied'),
      () => setOutcome('failed'),
    );
  };
  return (
    <span className="row-actions">
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span role="status">{outcome === 'copied' ? t.copied : outcome === 'failed' ? t.copy_failed : ''}</span>
    </span>
  );
}
