/** Function keys for a screen, listened to on the window so they work whatever has focus. */
import { useEffect, useRef } from 'react';

export type Hotkeys = Partial<Record<string, (event: KeyboardEvent) => void>>;

export function useHotkeys(keys: Hotkeys, active = true): void {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      const handler = latest.current[event.key];
      if (handler === undefined || event.defaultPrevented) return;
      event.preventDefault();
      handler(event);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}
