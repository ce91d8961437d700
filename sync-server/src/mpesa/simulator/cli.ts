/**
 * `payme-daraja-sim [--port 8789] [--host 127.0.0.1] [--callback-ms N] [--late-ms N]`:
 * the Daraja simulator as its own process, for development, demos and e2e.
 */
import { parseArgs } from 'node:util';
import { createDarajaSimulator } from './sim-app.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8789' },
    host: { type: 'string', default: '127.0.0.1' },
    'callback-ms': { type: 'string' },
    'late-ms': { type: 'string' },
  },
});

function intOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(JSON.stringify({ code: 'invalid_input', message: `--${name} must be a whole number of milliseconds`, field: name }));
    process.exit(2);
  }
  return value;
}

const port = intOption('port', values.port) ?? 8789;
const delays: Record<string, number> = {};
const callbackMs = intOption('callback-ms', values['callback-ms']);
const lateMs = intOption('late-ms', values['late-ms']);
if (callbackMs !== undefined) delays.callback_ms = callbackMs;
if (lateMs !== undefined) delays.late_ms = lateMs;

const simulator = createDarajaSimulator({ delays, logger: true });
const address = await simulator.app.listen({ port, host: values.host });
console.log(JSON.stringify({ simulator: 'daraja', address }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.app.close().then(() => process.exit(0));
  });
}
// Started by `npm start` (electron/src/cli/parent-watch.ts): stop with it, however it ends; with
// nobody left to SIGKILL a shutdown that hangs, end it after the same grace `npm start` gives.
if (process.env['PAYME_STOP_WITH_PARENT'] === '1') process.stdin.once('end', () => stopWithoutParent()).resume();

/** As on SIGTERM; if that has not ended the process within 10 s (what `npm start` would wait), exit. */
function stopWithoutParent(): void {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 10_000).unref();
}
