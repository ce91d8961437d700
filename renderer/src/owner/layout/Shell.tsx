/**
 * The signed-in frame: the shop's name, the menu (a disclosure button on a phone), how live the
 * page is, who is signed in, the language, and log out. Pages render in the outlet.
 */
import { useState, type ReactNode } from 'react';
import { Link } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../deps.js';
import { useT } from '../i18n/i18n.js';
import { useLiveFeed } from '../live/use-live-feed.js';
import { useSession, useSignedIn } from '../state/use-session.js';
import { LanguagePicker } from './LanguagePicker.js';
import { navFor } from './nav-items.js';

export function Shell({ children }: { children: ReactNode }) {
  const t = useT();
  const api = useApi();
  const session = useSignedIn();
  const signedOut = useSession((state) => state.signedOut);
  const queryClient = useQueryClient();
  const status = useLiveFeed(session.feed_cursor);
  const [menuOpen, setMenuOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);

  const logOut = async () => {
    setLeaving(true);
    try {
      await api.auth.logout();
    } catch {
      // Signed out or unreachable: the page forgets the session either way.
    }
    queryClient.clear();
    signedOut('logged_out');
  };

  return (
    <div className="shell">
      <header className="shell-header">
        <span className="shop-name">{session.business.name}</span>
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((open) => !open)}>
          {t.menu}
        </button>
        <nav id="main-nav" aria-label={t.main_nav} className={menuOpen ? 'open' : undefined}>
          <ul>
            {navFor(session.staff.role).map((item) => (
              <li key={item.to}>
                <Link to={item.to} activeOptions={{ exact: item.to === '/' }} onClick={() => setMenuOpen(false)}>
                  {t.page[item.page]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className={`live live-${status}`} role="status" aria-label={t.live[status]}>
          {t.live[status]}
        </span>
        <div className="who">
          <span>{t.signed_in_as(session.staff.name, t.role[session.staff.role])}</span>
          <Link to="/password">{t.page.password}</Link>
          <LanguagePicker />
          <button type="button" onClick={() => void logOut()} disabled={leaving}>
            {leaving ? t.logging_out : t.log_out}
          </button>
        </div>
      </header>
      <main className="page">{children}</main>
    </div>
  );
}
