/**
 * Quitting with unsynced events warns, never deletes (DESIGN §5): the events are safe in the
 * ledger on this PC and go to the server the next time the till runs online. Electron main wires
 * `onBeforeQuit` to `app.on('before-quit')` and `ask` to a message box; the logic lives here.
 */
export interface QuitWarning {
  type: 'warning';
  title: string;
  message: string;
  detail: string;
  buttons: [string, string];
  /** Index of the button that keeps the till open: the default and what Esc does. */
  defaultId: 0;
  cancelId: 0;
}

export const quit_button_index = 1;

export function quitWarning(unsynced: number): QuitWarning | null {
  if (!Number.isInteger(unsynced) || unsynced < 0) throw new RangeError(`unsynced count must be a whole number, not ${unsynced}`);
  if (unsynced === 0) return null;
  const what = unsynced === 1 ? '1 change has' : `${unsynced.toLocaleString('en-KE')} changes have`;
  return {
    type: 'warning',
    title: 'PayMe till',
    message: `${what} not reached the server yet.`,
    detail:
      'They are saved safely on this PC and will be sent the next time the till is open and online. ' +
      'Nothing is lost by quitting, but the owner will not see them until then.',
    buttons: ['Keep the till open', 'Quit anyway'],
    defaultId: 0,
    cancelId: 0,
  };
}

export interface QuitGuardDeps {
  unsyncedCount(): number;
  /** Shows the warning; resolves to the index of the button pressed. */
  ask(warning: QuitWarning): Promise<number>;
  /** Quits for real (Electron: `app.quit()` again, which the guard then lets through). */
  quit(): void;
}

/**
 * Returns the before-quit handler. A quit that was confirmed (or had nothing unsynced) passes;
 * otherwise the quit is held while the question is open, and a second quit request during the
 * question does not open a second box.
 */
export function createQuitGuard(deps: QuitGuardDeps): (event: { preventDefault(): void }) => void {
  let confirmed = false;
  let asking = false;
  return (event) => {
    if (confirmed) return;
    let warning: QuitWarning | null;
    try {
      warning = quitWarning(deps.unsyncedCount());
    } catch {
      // The ledger could not be read (closed, damaged): let the cashier quit rather than trap them.
      return;
    }
    if (warning === null) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    void deps.ask(warning).then(
      (button) => {
        asking = false;
        if (button === quit_button_index) {
          confirmed = true;
          deps.quit();
        }
      },
      () => {
        asking = false;
      },
    );
  };
}
