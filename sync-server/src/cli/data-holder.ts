/**
 * One process at a time opens a PGlite data folder (DESIGN §13, issue 15). PGlite is Postgres in
 * this process with no postmaster and no lock of its own: a second process opening the same
 * folder (a `payme-server backup` or `migrate` beside a running `serve`) would run a second
 * Postgres over the same files.
 *
 * Whoever opens the folder first writes `payme-server.holder.json` in it, created exclusively:
 * its pid, its command, and for `serve` the loopback port and a random token of its control
 * listener, through which `payme-server backup` asks the running server to take the backup itself.
 * The file is 0600, so only the server's OS user can read the token. A holder whose process is
 * gone (a kill, a power cut) is stale and is replaced. Another live holder is refused in words.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

export const holder_file = 'payme-server.holder.json';

export interface Holder {
  pid: number;
  command: string;
  since: string;
  /** `serve` only: where `payme-server backup` asks it for a backup. */
  control: { port: number; token: string } | null;
}

export class DataFolderHeld extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): Holder | null {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    return Number.isSafeInteger(value.pid) && typeof value.command === 'string' ? (value as Holder) : null;
  } catch {
    return null;
  }
}

/** The live holder of `dataDir`, or null when nobody (or only a process that has ended) holds it. */
export async function liveHolder(dataDir: string): Promise<Holder | null> {
  const text = await readFile(path.join(dataDir, holder_file), 'utf8').catch(() => null);
  if (text === null) return null;
  const holder = parseHolder(text);
  return holder !== null && holder.pid !== process.pid && alive(holder.pid) ? holder : null;
}

export function heldMessage(dataDir: string, holder: Holder): string {
  const what = holder.command === 'serve' ? 'a running payme-server serve' : `payme-server ${holder.command}`;
  return `${dataDir} is in use by ${what} (pid ${holder.pid}, since ${holder.since}): on PGlite one process at a time opens the data folder; ${
    holder.command === 'serve' ? 'stop the server first (payme-server backup asks it for the backup instead)' : 'wait for it to finish'
  }. If no such process runs, delete ${path.join(dataDir, holder_file)}`;
}

/**
 * Takes `dataDir` for this process, or throws DataFolderHeld naming the live holder. Returns the
 * function that gives it back (removes the file if it is still this process's).
 */
export async function holdDataFolder(dataDir: string, command: string, control: Holder['control'], now: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, holder_file);
  const mine: Holder = { pid: process.pid, command, since: now, control };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(mine));
      } finally {
        await handle.close();
      }
      // Given back however the process ends short of a kill (a refusal's process.exit included).
      const releaseAtExit = () => {
        try {
          if (parseHolder(readFileSync(file, 'utf8'))?.pid === process.pid) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once('exit', releaseAtExit);
      return async () => {
        process.off('exit', releaseAtExit);
        const held = parseHolder(await readFile(file, 'utf8').catch(() => ''));
        if (held?.pid === process.pid) await unlink(file).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await liveHolder(dataDir);
      if (holder !== null) throw new DataFolderHeld(heldMessage(dataDir, holder));
      await unlink(file).catch(() => undefined); // stale: its process has ended
    }
  }
  throw new DataFolderHeld(`cannot take ${file}: another process keeps creating it`);
}

const max_request_bytes = 16 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > max_request_bytes) throw new Error('request too large');
  }
  return text;
}

/**
 * The control listener of a `serve` on PGlite: 127.0.0.1 only, one route, `POST /backup {"to": FILE}`
 * with the holder file's token; answers what `takeBackup` gives (200) or its error in words (500).
 */
export async function startControl(token: string, takeBackup: (to: string) => Promise<object>): Promise<{ port: number; close(): Promise<void> }> {
  const expected = Buffer.from(`Bearer ${token}`);
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(401, { error: 'this control listener needs the token in the data folder' });
    if (req.method !== 'POST' || req.url !== '/backup') return answer(404, { error: 'only POST /backup' });
    readBody(req)
      .then((text) => {
        const to = (JSON.parse(text) as { to?: unknown }).to;
        if (typeof to !== 'string' || !path.isAbsolute(to)) throw new Error('"to" must be an absolute path');
        return takeBackup(to);
      })
      .then(
        (result) => answer(200, result),
        (error: unknown) => answer(500, { error: error instanceof Error ? error.message : String(error) }),
      );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the control listener has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** Asks the serving holder for a backup into `to`; its answer, or its error in words. */
export function askForBackup(holder: Holder, to: string): Promise<Record<string, unknown>> {
  const control = holder.control;
  if (control === null) return Promise.reject(new DataFolderHeld(`payme-server ${holder.command} (pid ${holder.pid}) holds the data folder and takes no backup requests; wait for it to finish`));
  const body = JSON.stringify({ to });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: control.port, method: 'POST', path: '/backup', headers: { authorization: `Bearer ${control.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        readBody(res).then((text) => {
          const answer = JSON.parse(text) as Record<string, unknown>;
          if (res.statusCode === 200) resolve(answer);
          else reject(new DataFolderHeld(`the running server (pid ${holder.pid}) could not take the backup: ${String(answer.error)}`));
        }, reject);
      },
    );
    req.on('error', (error) => reject(new DataFolderHeld(`the running server (pid ${holder.pid}) does not answer on its control port ${control.port} (${error.message})`)));
    req.end(body);
  });
}
