/**
 * A vitest setup file (shared, electron, renderer and e2e load it): every fast-check property
 * prints the seed it ran with, whether it passed or failed, so any run can be replayed. FC_SEED
 * set to a printed seed runs every property of the test file with it (FC_SEED=123 npx vitest run
 * path/to/file.test.ts); a property that names its own seed keeps it.
 */
import fc from 'fast-check';

const given = process.env['FC_SEED'];
if (given !== undefined && given !== '') {
  const seed = Number(given);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer seed as a property printed it, not ${given}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}

fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  reporter: (details) => {
    const verdict = details.failed ? `FAILED after ${details.numRuns} runs` : `${details.numRuns} runs passed`;
    console.log(`fast-check: ${verdict}, seed ${details.seed} (replay: FC_SEED=${details.seed})`);
    if (!details.failed) return;
    const message = fc.defaultReportMessage(details) ?? `property failed with seed ${details.seed}`;
    throw new Error(message, { cause: details.errorInstance });
  },
});
