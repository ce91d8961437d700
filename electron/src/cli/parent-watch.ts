/**
 * How `npm start` ends with whatever started it (issue 17). npm does not pass SIGTERM on to the
 * script it runs: killing the `npm start` process left `npm run`, tsx, the demo and its children
 * running, with their ports held. So the demo stops on SIGINT, SIGTERM and SIGHUP, and also
 * when any process above it (npm, the shell, the terminal) is gone. Its own children stop when
 * the demo is gone, however it ended: their stdin is a pipe from the demo, and its end closing
 * is their cue (`stop_with_parent_env`).
 */
import { readFileSync } from 'node:fs';

/** Set in a child's environment: stop (as on SIGTERM) when stdin ends, i.e. the parent is gone. */
export const stop_with_parent_env = 'PAYME_STOP_WITH_PARENT';

export const stop_signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface Ancestor {
  pid: number;
  /** Linux's start time of the process (clock ticks since boot), so a reused pid is not taken for it. */
  started: string | null;
}

function procStat(pid: number): { ppid: number; started: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: fields count after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), started: fields[19] ?? '' };
  } catch {
    return null;
  }
}

/**
 * The processes above this one, nearest first, up to but not including init (pid 1). Where
 * there is no /proc (macOS, Windows), only the parent, which is what Node can see there.
 */
export function ancestors(pid: number = process.pid): Ancestor[] {
  const found: Ancestor[] = [];
  let stat = procStat(pid);
  if (stat === null) return process.ppid > 1 ? [{ pid: process.ppid, started: null }] : [];
  while (stat !== null && stat.ppid > 1 && found.length < 64) {
    const parent = procStat(stat.ppid);
    found.push({ pid: stat.ppid, started: parent?.started ?? null });
    stat = parent;
  }
  return found;
}

export function isAlive(ancestor: Ancestor): boolean {
  if (ancestor.started !== null) {
    const stat = procStat(ancestor.pid);
    return stat !== null && stat.started === ancestor.started;
  }
  try {
    process.kill(ancestor.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it is there, only not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `onGone` once, the first time a watched ancestor has gone (checked every `intervalMs`).
 * The timer does not keep the process alive. Returns a function that stops watching.
 */
export function watchAncestors(watched: readonly Ancestor[], onGone: (gone: Ancestor) => void, intervalMs = 1_000): () => void {
  const timer = setInterval(() => {
    const gone = watched.find((ancestor) => !isAlive(ancestor));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Runs `stop` once on the first of SIGINT, SIGTERM or SIGHUP, or when an ancestor is gone. */
export function stopWithParentOrSignal(stop: (why: string) => void, intervalMs = 1_000): void {
  let stopped = false;
  const once = (why: string) => {
    if (stopped) return;
    stopped = true;
    stop(why);
  };
  for (const signal of stop_signals) process.once(signal, () => once(signal));
  watchAncestors(ancestors(), (gone) => once(`process ${gone.pid} above the demo is gone`), intervalMs);
}
