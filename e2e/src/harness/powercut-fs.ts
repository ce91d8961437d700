/**
 * A filesystem that loses, on `cut()`, every write that was not fsynced: the power-cut tests put
 * a program's data on it, kill the program, cut, start it again and check that nothing it
 * acknowledged is gone. `powercut-fs.py` beside this file is the filesystem (FUSE, through
 * fusepy); its header says exactly what an fsync of a file and of a directory make durable.
 *
 *   const mounted = await tryMountPowercutFs(dir);
 *   if ('unavailable' in mounted) return skip(mounted.unavailable);
 *   ... write through mounted.fs.mountpoint, SIGKILL the writer and wait for its exit ...
 *   await mounted.fs.cut();
 *   ... start the writer again on the same folder, check ...
 *   await mounted.fs.unmount();
 *
 * Needs Linux, /dev/fuse, and Python 3 with fusepy (Debian: `apt-get install -y fuse3
 * python3-fusepy`), and the right to mount (root, as in CI). `powercutFsUnavailable()` says
 * what is missing, and `tryMountPowercutFs` also reports a mount that failed, so a test can skip
 * with the reason printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'powercut-fs.py');
const mount_timeout_ms = 20_000;
const command_timeout_ms = 30_000;
const unmount_timeout_ms = 15_000;

/** Debian's python3 carries python3-fusepy; a pyenv or venv python first on PATH would not. */
function python(): string {
  return process.env.PAYME_PYTHON3 ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/** Why the power-cut filesystem cannot run on this machine, or null when it can be tried. */
export function powercutFsUnavailable(): string | null {
  if (process.platform !== 'linux') return `the power-cut filesystem is FUSE on Linux; this is ${process.platform}`;
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK);
  } catch {
    return '/dev/fuse is missing or not usable (install fuse3; in a container, pass the device)';
  }
  const probe = spawnSync(python(), ['-c', 'try:\n import fusepy\nexcept ImportError:\n import fuse'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `${python()} cannot run (${probe.error.message}); set PAYME_PYTHON3`;
  if (probe.status !== 0) return `${python()} has no fusepy (apt-get install -y python3-fusepy): ${probe.stderr.trim().split('\n').at(-1) ?? ''}`;
  return null;
}

export interface PowercutStats {
  fsyncs: number;
  dir_fsyncs: number;
  cuts: number;
  files: number;
  /** Bytes written since their file's last fsync (whole 4 KiB pages): what a cut now would drop. */
  dirty_bytes_max: number;
}

export interface PowercutFs {
  readonly mountpoint: string;
  /** The power cut: the tree goes back to what was fsynced. Kill the programs using it first. */
  cut(): Promise<void>;
  /** Makes everything durable, as sync(1) does: a known starting point for a scenario. */
  syncAll(): Promise<void>;
  stats(): Promise<PowercutStats>;
  /** Unmounts (lazily if something still holds the mount) and waits for the filesystem to exit. */
  unmount(): Promise<void>;
}

function isMounted(mountpoint: string): boolean {
  const resolved = path.resolve(mountpoint);
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[1] === resolved);
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Mounts the filesystem on `mountpoint` (created if missing, and empty after the mount). */
export async function mountPowercutFs(mountpoint: string): Promise<PowercutFs> {
  mkdirSync(mountpoint, { recursive: true });
  const child = spawn(python(), [script, mountpoint], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const replies: ((line: Record<string, unknown> | null) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not one of its answers
    }
    replies.shift()?.(value);
  });
  const exited = exitOf(child);
  void exited.then(() => {
    for (const reply of replies.splice(0)) reply(null);
  });
  const next = (timeoutMs: number, what: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`powercut-fs: no answer to ${what} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      replies.push((value) => {
        clearTimeout(timer);
        if (value === null) reject(new Error(`powercut-fs exited (${child.exitCode ?? child.signalCode}) before answering ${what}; stderr: ${stderr}`));
        else resolve(value);
      });
    });

  try {
    const ready = await next(mount_timeout_ms, 'the mount');
    if (ready.ready !== true) throw new Error(`powercut-fs did not mount: ${JSON.stringify(ready)}`);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    if (isMounted(mountpoint)) spawnSync('umount', ['-l', mountpoint]);
    throw error;
  }

  // One command at a time: the answers come back in order.
  let queue: Promise<unknown> = Promise.resolve();
  const command = (name: 'cut' | 'sync' | 'stats') => {
    const run = queue.then(async () => {
      const answer = next(command_timeout_ms, name);
      child.stdin.write(`${name}\n`);
      const value = await answer;
      if (value.ok !== true) throw new Error(`powercut-fs ${name}: ${JSON.stringify(value)}`);
      return value;
    });
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    mountpoint,
    cut: async () => {
      await command('cut');
    },
    syncAll: async () => {
      await command('sync');
    },
    stats: async () => (await command('stats')) as unknown as PowercutStats,
    unmount: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end('exit\n');
        const timer = setTimeout(() => {
          // Something still holds the mount: detach it and stop the filesystem.
          spawnSync('umount', ['-l', mountpoint]);
          child.kill('SIGKILL');
        }, unmount_timeout_ms);
        await exited;
        clearTimeout(timer);
      }
      if (isMounted(mountpoint)) spawnSync('umount', ['-l', mountpoint]);
    },
  };
}

/** The mounted filesystem, or why it cannot run here (missing pieces, or a mount that failed). */
export async function tryMountPowercutFs(mountpoint: string): Promise<{ fs: PowercutFs } | { unavailable: string }> {
  const missing = powercutFsUnavailable();
  if (missing !== null) return { unavailable: missing };
  try {
    return { fs: await mountPowercutFs(mountpoint) };
  } catch (error) {
    return { unavailable: `the power-cut filesystem did not mount: ${(error as Error).message}` };
  }
}
