// @vitest-environment node
/**
 * Every error code a PayMe program throws or answers has the cashier's words in English and
 * Swahili. The codes are found by reading the sources (the till, shared, the renderer and the
 * server, whose answers the till passes on), so a new `throw new PaymeError('x', …)` without
 * words fails here, even before anyone adds 'x' to the shared table.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { error_codes, isErrorCode } from '@payme/shared';
import { en } from '../src/till/i18n/en.js';
import { sw } from '../src/till/i18n/sw.js';

const repo_root = path.resolve(import.meta.dirname, '../..');
const source_roots = ['shared/src', 'electron/src', 'renderer/src', 'sync-server/src'];

/** Where a code is created in code: an error's constructor, a server error helper, an alarm, an error body. */
const code_sites = [
  /\bnew (?:PaymeError|TillCallError|HttpError)\(\s*(?:\d+\s*,\s*)?'([a-z][a-z0-9_]*)'/g,
  /\b(?:badRequest|unauthorized|forbidden|conflict)\(\s*'([a-z][a-z0-9_]*)'/g,
  /\.raise\(\s*'([a-z][a-z0-9_]*)'/g,
  // `{ code: 'x', message … }` bodies; zod's own issue codes (`addIssue({ code: 'custom' …`) are not ours.
  /(?<!addIssue\(\{ )\bcode: '([a-z][a-z0-9_]*)'/g,
  // `{ code: tooLong ? 'x' : 'y' … }`: a body choosing between two codes.
  /\bcode: [A-Za-z_.]+ \? '([a-z][a-z0-9_]*)' : '([a-z][a-z0-9_]*)'/g,
];

/** The codes created in a source text, each with the line it stands on. */
export function codesIn(text: string): { code: string; line: number }[] {
  const found: { code: string; line: number }[] = [];
  for (const pattern of code_sites) {
    for (const match of text.matchAll(pattern)) {
      const line = text.slice(0, match.index).split('\n').length;
      for (const code of match.slice(1)) if (code !== undefined) found.push({ code, line });
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'testing' || name === 'test-doubles' || name === 'simulator' ? [] : sourceFiles(file);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [file] : [];
  });
}

/** What is wrong with the words for `code`: not in the shared table, or no words in a language. */
function missingWords(code: string): string[] {
  const problems: string[] = [];
  if (!isErrorCode(code)) problems.push('not in the shared error_codes table');
  const english = (en.error_codes as Record<string, string | undefined>)[code];
  const swahili = (sw.error_codes as Record<string, string | undefined>)[code];
  if (english === undefined || english.trim() === '') problems.push('no English words');
  if (swahili === undefined || swahili.trim() === '') problems.push('no Swahili words');
  else if (swahili === english) problems.push('the Swahili words are the English ones');
  return problems;
}

describe("the cashier's words for error codes", () => {
  const thrown = source_roots.flatMap((root) =>
    sourceFiles(path.join(repo_root, root)).flatMap((file) => codesIn(readFileSync(file, 'utf8')).map((site) => ({ ...site, file: path.relative(repo_root, file) }))),
  );

  it('the scan finds the codes the sources create (and so would find a new one)', () => {
    const codes = new Set(thrown.map((site) => site.code));
    for (const code of ['invalid_input', 'stock_insufficient', 'chain_conflict', 'forbidden_host', 'enrollment_code_used', 'rate_limited', 'url_too_long', 'bad_url']) expect(codes, code).toContain(code);
    expect(thrown.length).toBeGreaterThan(200);
  });

  it('every code a source throws or answers has words in English and Swahili', () => {
    const problems = thrown.flatMap((site) => missingWords(site.code).map((problem) => `${site.file}:${site.line} '${site.code}': ${problem}`));
    expect(problems).toEqual([]);
  });

  it('every code of the shared table has words in both languages', () => {
    expect(error_codes.flatMap((code) => missingWords(code).map((problem) => `'${code}': ${problem}`))).toEqual([]);
  });

  it('fails for a planted throw of a code without words', () => {
    const planted = codesIn("if (x) {\n  throw new PaymeError(\n    'brand_new_refusal',\n    'words',\n  );\n}\nreturn { code: 'another_new_code', message: 'm' };");
    expect(planted).toEqual([{ code: 'brand_new_refusal', line: 2 }, { code: 'another_new_code', line: 7 }]);
    expect(missingWords('brand_new_refusal')).toEqual(['not in the shared error_codes table', 'no English words', 'no Swahili words']);
    expect(codesIn("ctx.addIssue({ code: 'custom', path: ['x'], message: 'm' });")).toEqual([]);
    expect(codesIn("send({ code: tooLong ? 'one_new_code' : 'other_new_code' })")).toEqual([{ code: 'one_new_code', line: 1 }, { code: 'other_new_code', line: 1 }]);
  });
});
