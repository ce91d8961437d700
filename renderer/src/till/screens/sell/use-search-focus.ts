/**
 * The search box has focus at all times (UX 2): whenever focus falls back to the page, and after
 * a mouse click on a button outside a dialog (Sell, Kiswahili, …), which would otherwise keep the
 * focus and be pressed again by the scanner's next Enter. Keyboard presses (detail 0) keep theirs.
 */
import { useEffect, type RefObject } from 'react';

export function useSearchFocus(input: RefObject<HTMLInputElement | null>, disabled: boolean): void {
  useEffect(() => {
    const refocus = () => {
      if (!disabled && (document.activeElement === null || document.activeElement === document.body)) input.current?.focus();
    };
    const later = () => setTimeout(refocus, 0);
    const afterPointerClick = (event: MouseEvent) => {
      if (event.detail === 0) return;
      setTimeout(() => {
        const active = document.activeElement;
        if (!disabled && active instanceof HTMLButtonElement && active.closest('[role="dialog"]') === null) input.current?.focus();
      }, 0);
    };
    refocus();
    document.addEventListener('focusout', later);
    document.addEventListener('click', afterPointerClick);
    return () => {
      document.removeEventListener('focusout', later);
      document.removeEventListener('click', afterPointerClick);
    };
  }, [disabled, input]);
}
