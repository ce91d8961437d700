/**
 * Keeps the barcode index (barcode-index.ts) up to date while someone is signed in: a read at
 * sign-in (the whole catalogue the first time), then every `barcode_index_refresh_ms`, so a price
 * synced from the server is on the next scan within about a second. Answers the change number
 * the index has read up to.
 */
import { useEffect, useState } from 'react';
import { useDeps } from '../app-context.js';
import { barcode_index_refresh_ms } from './barcode-index.js';

export function useBarcodeIndexRefresh(signedIn: boolean): number {
  const { barcode_index } = useDeps();
  const [change_no, setChangeNo] = useState(barcode_index?.change_no ?? 0);
  useEffect(() => {
    if (!signedIn || barcode_index === null) return;
    let live = true;
    // A failed read (the till program busy or restarting) is tried again on the next tick;
    // meanwhile scans the index does not know are asked of the till.
    const refresh = () =>
      barcode_index
        .refresh()
        .then(() => live && setChangeNo(barcode_index.change_no))
        .catch(() => undefined);
    void refresh();
    const timer = setInterval(() => void refresh(), barcode_index_refresh_ms);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [signedIn, barcode_index]);
  return change_no;
}
