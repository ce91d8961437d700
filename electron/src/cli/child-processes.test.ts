import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/ledger-fixture.js';
import { startChild, waitForHealthy } from './child-processes.js';

const script = (body: string) => ['--input-type=module', '-e', body];

describe('demo child processes', () => {
  it('hands over the first JSON line, logs the output, and stops the process with SIGTERM', async () => {
    const log = path.join(tempDir('payme-child-'), 'x.log');
    // stderr first: the parent stops the child as soon as the JSON line arrives.
    const child = startChild('x', process.execPath, script("console.error('oops'); console.log('starting'); console.log(JSON.stringify({ ready: 1 })); setInterval(() => {}, 1000);"), { log_file: log });
    expect(await child.firstJson(10_000)).toEqual({ ready: 1 });
    await child.stop();
    expect(await child.exited).toBe('SIGTERM');
    await child.log_closed;
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('starting');
    expect(text).toContain('oops');
  });

  it('gives up waiting when the process exits without JSON, and health checks stop on a dead child', async () => {
    const log = path.join(tempDir('payme-child-'), 'y.log');
    const child = startChild('y', process.execPath, script("console.log('no json here'); process.exit(3);"), { log_file: log });
    expect(await child.firstJson(10_000)).toBeNull();
    expect(await child.exited).toBe(3);
    const started = Date.now();
    expect(await waitForHealthy('http://127.0.0.1:9/healthz', child, 30_000, (ms) => sleep(ms))).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
