/**
 * One size knob for every fuzz and property test over the HTTP routes (issue 12).
 *
 * `npm test` runs each fuzz property at its default size, chosen for CI (together at least
 * 20,000 generated bodies). `npm run fuzz -- --n N` sets PAYME_FUZZ_N=N, and every property that
 * asks `fuzzRuns` then runs N bodies on each database instead, with no per-test time limit
 * (`fuzzTimeout`). PAYME_FUZZ_SEED fixes the seed of the properties that ask `fuzzSeed`, to
 * replay a failure that fast-check reported.
 */

function positiveInteger(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1 (it is ${JSON.stringify(text)}); unset it for the default sizes.`);
  return value;
}

/** True when a bigger run was asked for (`npm run fuzz -- --n N`). */
export function fuzzSizeOverridden(): boolean {
  return positiveInteger('PAYME_FUZZ_N') !== undefined;
}

/** The number of generated bodies a property runs: PAYME_FUZZ_N when set, else `default_runs`. */
export function fuzzRuns(default_runs: number): number {
  return positiveInteger('PAYME_FUZZ_N') ?? default_runs;
}

/** A test's time limit: `default_ms` at the default size, none worth speaking of for a bigger run. */
export function fuzzTimeout(default_ms: number): number {
  return fuzzSizeOverridden() ? 24 * 3_600_000 : default_ms;
}

/** The seed of a property: PAYME_FUZZ_SEED when set, else `default_seed`. */
export function fuzzSeed(default_seed: number): number {
  const text = process.env['PAYME_FUZZ_SEED'];
  if (text === undefined || text === '') return default_seed;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`PAYME_FUZZ_SEED must be a whole number (it is ${JSON.stringify(text)}).`);
  return value;
}
