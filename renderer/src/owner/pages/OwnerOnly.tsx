/**
 * The owner's pages (settings, staff, M-Pesa credentials) as a manager reaches them by a direct
 * link (DESIGN §12): the page says whose it is and renders nothing of theirs; the server refuses
 * the same reads and writes (403) whatever the page does.
 */
import type { ReactNode } from 'react';
import { useT } from '../i18n/i18n.js';
import { useSignedIn } from '../state/use-session.js';

export function OwnerOnly({ children }: { children: ReactNode }) {
  const t = useT();
  const session = useSignedIn();
  if (session.staff.role === 'owner') return <>{children}</>;
  return (
    <section aria-labelledby="owner-only-title" className="card">
      <h1 id="owner-only-title">{t.owner_only.title}</h1>
      <p>{t.owner_only.body}</p>
    </section>
  );
}

export function NotFoundPage() {
  const t = useT();
  return (
    <section className="card">
      <h1>{t.not_found}</h1>
    </section>
  );
}
