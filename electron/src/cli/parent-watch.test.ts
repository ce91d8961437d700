import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/ledger-fixture.js';
import { ancestors, isAlive, stop_signals } from './parent-watch.js';

// A process that stops the way the demo does, saying why.
const script = path.join(tempDir('payme-parent-watch-'), 'watcher.ts');
writeFileSync(
  script,
  `import { stopWithParentOrSignal } from ${JSON.stringify(path.resolve(import.meta.dirname, 'parent-watch.ts'))};
stopWithParentOrSignal((why) => { console.log('stopped: ' + why); process.exit(0); }, 100);
console.log('ready');
setInterval(() => {}, 1000);
`,
);
const watcher = [process.execPath, '--import', 'tsx', script].map((part) => `'${part}'`).join(' ');

function lines(stream: NodeJS.ReadableStream): AsyncIterator<string> {
  return createInterface({ input: stream })[Symbol.asyncIterator]();
}

describe('the demo stops with its parent or on a signal (issue 17)', () => {
  it.each(stop_signals)('stops on %s', async (signal) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out = lines(child.stdout);
    expect((await out.next()).value).toBe('ready');
    child.kill(signal);
    expect((await out.next()).value).toBe(`stopped: ${signal}`);
  });

  it('stops when a process above it is gone, here the shell that started it (SIGKILL)', async () => {
    // The shell waits for the watcher (it is not the last command), so the shell is its parent.
    const shell = spawn('sh', ['-c', `${watcher}; echo after`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out = lines(shell.stdout);
    expect((await out.next()).value).toBe('ready');
    shell.kill('SIGKILL');
    expect((await out.next()).value).toBe(`stopped: process ${shell.pid} above the demo is gone`);
  });

  it('knows its own ancestors, and a pid that is gone is not alive', () => {
    const above = ancestors();
    expect(above[0]?.pid).toBe(process.ppid);
    expect(above.every(isAlive)).toBe(true);
    expect(isAlive({ pid: 2 ** 22 + 1, started: null })).toBe(false);
  });
});
