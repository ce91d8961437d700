/** Today (UX owner 1): the day's takings, live. The report arrives with the reporting API. */
import { useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';

export function TodayPage() {
  const t = useT();
  const session = useSignedIn();
  return (
    <section aria-labelledby="today-title">
      <h1 id="today-title">{t.page.today}</h1>
      <p>{session.business.name}</p>
      <p className="hint">{t.waiting_for_server}</p>
    </section>
  );
}
