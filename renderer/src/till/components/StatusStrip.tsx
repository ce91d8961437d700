/**
 * Always visible (UX 9): online or offline, when the till last synced, how many sales wait to
 * sync, M-Pesa payments pending, and a red alarm when something needs the owner. Fed by polling
 * syncStatus; a failed poll says the till program is not answering, and then nothing else: what
 * the last good poll said (online, everything synced) is no longer known (issue 17). Parked sales
 * are counted too, so a sale parked with F6 is never out of sight.
 */
import { useEffect, useState } from 'react';
import { isErrorCode } from '@payme/shared';
import { useDeps } from '../app-context.js';
import { useT } from '../i18n/i18n.js';
import { useApp, useStoreApis } from '../state/use-store.js';

/** Whole minutes since a time, for "last synced 2 min ago". */
export function minutesSince(iso: string, now_ms: number): number {
  return Math.max(0, Math.floor((now_ms - Date.parse(iso)) / 60_000));
}

export function StatusStrip() {
  const t = useT();
  const { till, clock, status_poll_ms, held_carts } = useDeps();
  const { app } = useStoreApis();
  const sync = useApp((s) => s.sync);
  const pending = useApp((s) => s.mpesa_pending);
  const [unreachable, setUnreachable] = useState(false);
  const [parkedCount, setParkedCount] = useState(0);

  useEffect(() => {
    let live = true;
    const poll = async () => {
      try {
        const [status, parked] = await Promise.all([till.syncStatus({}), till.listParkedSales({})]);
        const waiting = parked.sales.filter((sale) => sale.payment_state === undefined || ['created', 'requested', 'unknown'].includes(sale.payment_state)).length;
        if (live) {
          app.getState().setSync(status, waiting);
          setParkedCount(parked.sales.length + held_carts.list().length);
          setUnreachable(false);
        }
      } catch {
        if (live) setUnreachable(true);
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), status_poll_ms);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [till, app, status_poll_ms, held_carts]);

  const last = [sync?.last_push_at, sync?.last_pull_at].filter((value): value is string => typeof value === 'string').sort().at(-1);
  return (
    <footer className="status-strip" role="status" aria-label={t.status}>
      {unreachable && <span className="alarm">{t.till_unreachable}</span>}
      {!unreachable && sync !== null && (
        <>
          <span className={sync.online ? 'online' : 'offline'}>{sync.online ? t.online : t.offline}</span>
          <span>{last === undefined ? t.never_synced : t.last_synced(minutesSince(last, clock.now()))}</span>
          <span data-testid="unsynced">{t.waiting_to_sync(sync.unsynced_count)}</span>
          {pending > 0 && <span>{t.mpesa_pending(pending)}</span>}
          {parkedCount > 0 && <span data-testid="parked-count">{t.parked_count(parkedCount)}</span>}
          {sync.quarantined_count > 0 && <span className="alarm">{t.quarantined(sync.quarantined_count)}</span>}
          {sync.alarm !== null && <span className="alarm" role="alert" title={sync.alarm.message}>{isErrorCode(sync.alarm.code) ? t.error_codes[sync.alarm.code] : sync.alarm.message}</span>}
        </>
      )}
    </footer>
  );
}
