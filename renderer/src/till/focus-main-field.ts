/**
 * The cursor is never lost (issue 17, UX 2): after every action and after every overlay closes,
 * the screen's main field has focus: the search box on the sell screen, the cash given on the
 * pay screen, "Next sale" on the receipt, the float when opening a shift, the find box elsewhere.
 * A screen names its main field with `data-main-field`; otherwise it is the screen's first field
 * or its primary button. A dialog (a manager's PIN, the help) keeps its own focus.
 */
import { useEffect } from 'react';

const main_field = '[data-main-field]:not([disabled])';
const first_field = 'input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button.primary:not([disabled])';

/** The current screen's main field, or null when none is on screen. */
export function mainField(root: ParentNode = document): HTMLElement | null {
  const screen = root.querySelector('.till > main');
  if (screen === null) return null;
  return screen.querySelector<HTMLElement>(main_field) ?? screen.querySelector<HTMLElement>(first_field);
}

function focusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || !active.isConnected;
}

/** Puts the cursor in the main field when nothing (or nothing on screen) has it and no dialog is open. */
export function refocusMainField(): void {
  if (!focusLost() || document.querySelector('[role="dialog"]') !== null) return;
  mainField()?.focus();
}

/**
 * On every screen change, when the help closes, whenever focus falls to the page, and when the
 * focused field leaves the page: a browser moves the focus to nothing without a focusout then
 * (the find box of Sales giving way to the sale it found, a Save button disabled once it saved,
 * issue 17), so the page's changes are
 * watched too. The check is one comparison, so watching costs nothing a scan would notice.
 */
export function useMainFieldFocus(enabled: boolean, ...changes: unknown[]): void {
  useEffect(() => {
    if (!enabled) return;
    const timer = setTimeout(refocusMainField, 0);
    return () => clearTimeout(timer);
  }, [enabled, ...changes]);
  useEffect(() => {
    if (!enabled) return;
    const later = () => setTimeout(refocusMainField, 0);
    document.addEventListener('focusout', later);
    const removed = new MutationObserver(() => {
      if (focusLost()) refocusMainField();
    });
    // A focused button that becomes disabled (Save once saved) loses the focus silently too.
    removed.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    return () => {
      document.removeEventListener('focusout', later);
      removed.disconnect();
    };
  }, [enabled]);
}
