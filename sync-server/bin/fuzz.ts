/**
 * `npm run fuzz [-- --n N] [--seed S] [filter ...]`: runs the server's fuzz and property tests
 * over the HTTP routes (every test file whose name holds "fuzz"), each property at N generated
 * bodies per database instead of its CI size (test/support/fuzz-size.ts). Filters narrow the
 * files as vitest's do (e.g. `owner` runs owner-fuzz.test.ts only).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const workspace = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function usage(problem: string): never {
  process.stderr.write(`npm run fuzz: ${problem}\nusage: npm run fuzz -- [--n N] [--seed S] [filter ...]\n`);
  process.exit(2);
}

const env: NodeJS.ProcessEnv = { ...process.env };
const filters: string[] = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 1) {
  const arg = args[i] as string;
  const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
  if (flag === '--n' || flag === '--seed') {
    const value = inline ?? args[(i += 1)];
    if (value === undefined || !/^-?[0-9]+$/.test(value) || (flag === '--n' && Number(value) < 1)) usage(`${flag} needs a whole number${flag === '--n' ? ' of at least 1' : ''}`);
    env[flag === '--n' ? 'PAYME_FUZZ_N' : 'PAYME_FUZZ_SEED'] = value;
  } else if (flag.startsWith('-')) usage(`unknown option ${flag}`);
  else filters.push(flag);
}

const files = filters.length === 0 ? ['fuzz'] : filters.map((filter) => (filter.includes('fuzz') ? filter : `${filter}-fuzz`));
process.stderr.write(`npm run fuzz: ${env['PAYME_FUZZ_N'] ?? 'default'} bodies per property and database${env['PAYME_FUZZ_SEED'] ? `, seed ${env['PAYME_FUZZ_SEED']}` : ''}; files matching ${files.join(', ')}\n`);
const run = spawnSync('npx', ['vitest', 'run', ...files], { cwd: workspace, env, stdio: 'inherit' });
process.exit(run.status ?? 1);
