/**
 * `npm run sim -- --seeds N [--seed-start S] [--steps K] [--restore offline_tail|diverged] [--verbose]`:
 * runs seeds S … S+N-1 and
 * prints ONE JSON line `{seeds, failures, failing_seeds, events, duration_s}`; exits 1 when any
 * seed fails. A failing seed replays exactly with `--seeds 1 --seed-start <seed>`; `--verbose`
 * prints each seed's failures and statistics on stderr.
 */
import { parseArgs } from 'node:util';
import { runSeeds } from './run-seeds.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    'seed-start': { type: 'string', default: '0' },
    steps: { type: 'string' },
    restore: { type: 'string', default: 'offline_tail' },
    verbose: { type: 'boolean', default: false },
  },
});

function wholeNumber(text: string, name: string): number {
  if (!/^\d+$/.test(text)) {
    console.error(JSON.stringify({ code: 'invalid_input', message: `--${name}: must be a whole number`, field: name }));
    process.exit(2);
  }
  return Number(text);
}

const seeds = wholeNumber(values.seeds, 'seeds');
const start = wholeNumber(values['seed-start'], 'seed-start');
const steps = values.steps === undefined ? undefined : wholeNumber(values.steps, 'steps');
if (values.restore !== 'offline_tail' && values.restore !== 'diverged') {
  console.error(JSON.stringify({ code: 'invalid_input', message: '--restore: must be offline_tail or diverged', field: 'restore' }));
  process.exit(2);
}
const restore = values.restore;
const summary = await runSeeds({ seeds, start, restore, ...(steps === undefined ? {} : { steps }) }, (result) => {
  if (values.verbose || !result.ok) console.error(JSON.stringify({ seed: result.seed, ok: result.ok, events: result.events, failures: result.failures.slice(0, 10), stats: result.stats }));
});
console.log(JSON.stringify(summary));
process.exit(summary.failures > 0 ? 1 : 0);
