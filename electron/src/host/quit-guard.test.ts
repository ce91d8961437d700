import { describe, expect, it } from 'vitest';
import { createQuitGuard, quitWarning, quit_button_index, type QuitWarning } from './quit-guard.js';

function fakeEvent() {
  const event = { prevented: 0, preventDefault: () => (event.prevented += 1) };
  return event;
}

describe('quitting with unsynced events', () => {
  it('says nothing when everything reached the server, and how many otherwise, safe on this PC', () => {
    expect(quitWarning(0)).toBeNull();
    expect(quitWarning(1)?.message).toBe('1 change has not reached the server yet.');
    const warning = quitWarning(1234) as QuitWarning;
    expect(warning.message).toContain('1,234 changes');
    expect(warning.detail).toContain('saved safely on this PC');
    expect(warning.buttons[warning.cancelId]).toBe('Keep the till open');
    expect(() => quitWarning(-1)).toThrow(RangeError);
  });

  it('lets a quit through when nothing is unsynced', () => {
    const event = fakeEvent();
    const asked: QuitWarning[] = [];
    createQuitGuard({ unsyncedCount: () => 0, ask: async (w) => (asked.push(w), 0), quit: () => undefined })(event);
    expect(event.prevented).toBe(0);
    expect(asked).toEqual([]);
  });

  it('holds the quit, asks once, and quits only when the cashier confirms', async () => {
    let answer: (button: number) => void = () => undefined;
    let quits = 0;
    const asked: QuitWarning[] = [];
    const guard = createQuitGuard({
      unsyncedCount: () => 3,
      ask: (warning) => (asked.push(warning), new Promise<number>((resolve) => (answer = resolve))),
      quit: () => (quits += 1),
    });
    const first = fakeEvent();
    guard(first);
    const second = fakeEvent();
    guard(second); // a second Ctrl+Q while the box is open
    expect([first.prevented, second.prevented]).toEqual([1, 1]);
    expect(asked).toHaveLength(1);

    answer(0); // keep open
    await Promise.resolve();
    await Promise.resolve();
    expect(quits).toBe(0);

    guard(fakeEvent());
    answer(quit_button_index);
    await Promise.resolve();
    await Promise.resolve();
    expect(quits).toBe(1);
    const after = fakeEvent();
    guard(after); // the quit the guard itself asked for
    expect(after.prevented).toBe(0);
  });

  it('never traps the cashier when the ledger cannot be read', () => {
    const event = fakeEvent();
    createQuitGuard({ unsyncedCount: () => { throw new Error('database is closed'); }, ask: async () => 0, quit: () => undefined })(event);
    expect(event.prevented).toBe(0);
  });
});
