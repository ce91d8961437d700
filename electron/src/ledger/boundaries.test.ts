/**
 * The ledger runs in plain Node (no Electron) and takes time and randomness only from the
 * injected Clock and Random (DESIGN §2). The repository lint enforces the latter for shared/
 * only, so this test reads the ledger's own sources.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const sources = readdirSync(here).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

const forbidden: [RegExp, string][] = [
  [/\bDate\.now\(/, 'Date.now()'],
  [/new Date\(\s*\)/, 'new Date()'],
  [/Math\.random\(/, 'Math.random()'],
  [/randomUUID\(/, 'crypto.randomUUID()'],
  [/getRandomValues\(/, 'getRandomValues()'],
  [/from ['"]electron['"]/, 'an Electron import'],
  [/\bawait\b|\basync\b/, 'async code (a money transaction is never async)'],
];

describe('ledger sources', () => {
  it('exist', () => expect(sources.length).toBeGreaterThan(10));
  it.each(sources)('%s reads no clock or randomness directly, imports no Electron, awaits nothing', (name) => {
    const text = readFileSync(path.join(here, name), 'utf8');
    for (const [pattern, what] of forbidden) expect(pattern.test(text), `${name} uses ${what}`).toBe(false);
  });
});
