/**
 * Proves the layering rule of DESIGN §2 is enforced by the repository's real eslint.config.js:
 * each deliberate violation must fail lint with the rule that guards it, and the same files
 * written cleanly must pass (so this test fails if the rule is missing or over-eager).
 * The code is linted as text under a path inside the package it pretends to live in; no file is
 * written.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repo_root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repo_root });
});

interface Finding {
  ruleId: string | null;
  message: string;
}

async function lint(filePath: string, code: string): Promise<Finding[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repo_root, filePath), warnIgnored: true });
  if (!result) throw new Error(`no lint result for ${filePath}`);
  return result.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

const violations: Array<{ name: string; file: string; code: string; rule: string; mentions: string }> = [
  { name: 'shared imports node:fs', file: 'shared/src/__fixture__.ts', code: "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n", rule: 'no-restricted-imports', mentions: 'node:fs' },
  { name: 'shared imports a bare Node builtin (crypto)', file: 'shared/src/__fixture__.ts', code: "import { createHash } from 'crypto';\nexport const h = createHash;\n", rule: 'no-restricted-imports', mentions: 'crypto' },
  { name: 'shared imports @payme/till', file: 'shared/src/__fixture__.ts', code: "import { openLedger } from '@payme/till';\nexport const open = openLedger;\n", rule: 'no-restricted-imports', mentions: '@payme/till' },
  { name: 'shared imports a DOM-only module', file: 'shared/src/__fixture__.ts', code: "import { createRoot } from 'react-dom/client';\nexport const root = createRoot;\n", rule: 'no-restricted-imports', mentions: 'react-dom/client' },
  { name: 'shared dynamically imports node:fs', file: 'shared/src/__fixture__.ts', code: "export const fs = () => import('node:fs');\n", rule: 'payme/import-boundaries', mentions: 'node:fs' },
  { name: 'shared reads Date.now() outside the clock adapter', file: 'shared/src/__fixture__.ts', code: 'export const stamp = () => Date.now();\n', rule: 'no-restricted-syntax', mentions: 'Clock' },
  { name: 'shared calls Math.random()', file: 'shared/src/__fixture__.ts', code: 'export const roll = () => Math.random();\n', rule: 'no-restricted-syntax', mentions: 'Random' },
  { name: 'the till ledger reads Date.now() instead of its Clock', file: 'electron/src/ledger/__fixture__.ts', code: 'export const stamp = () => Date.now();\n', rule: 'no-restricted-syntax', mentions: 'Clock' },
  { name: 'the sync agent calls Math.random() instead of its Random', file: 'electron/src/sync/__fixture__.ts', code: 'export const jitter = () => Math.random();\n', rule: 'no-restricted-syntax', mentions: 'Random' },
  { name: 'shared calls crypto.randomUUID()', file: 'shared/src/__fixture__.ts', code: 'export const id = () => crypto.randomUUID();\n', rule: 'no-restricted-syntax', mentions: 'uuidv7' },
  { name: 'renderer imports @payme/till', file: 'renderer/src/__fixture__.tsx', code: "import { openLedger } from '@payme/till';\nexport const open = openLedger;\n", rule: 'no-restricted-imports', mentions: '@payme/till' },
  { name: 'renderer imports electron', file: 'renderer/src/__fixture__.tsx', code: "import { ipcRenderer } from 'electron';\nexport const ipc = ipcRenderer;\n", rule: 'no-restricted-imports', mentions: 'electron' },
  { name: 'renderer imports better-sqlite3', file: 'renderer/src/__fixture__.tsx', code: "import Database from 'better-sqlite3';\nexport const db = Database;\n", rule: 'no-restricted-imports', mentions: 'better-sqlite3' },
  { name: 'renderer imports node:path', file: 'renderer/src/__fixture__.tsx', code: "import path from 'node:path';\nexport const join = path.join;\n", rule: 'no-restricted-imports', mentions: 'node:path' },
  { name: 'electron imports @payme/sync-server', file: 'electron/src/__fixture__.ts', code: "import { serve } from '@payme/sync-server';\nexport const s = serve;\n", rule: 'no-restricted-imports', mentions: '@payme/sync-server' },
  { name: 'electron imports renderer internals', file: 'electron/src/__fixture__.ts', code: "import { App } from '@payme/renderer/src/cashier/App.js';\nexport const a = App;\n", rule: 'no-restricted-imports', mentions: '@payme/renderer' },
  { name: 'sync-server imports @payme/till', file: 'sync-server/src/__fixture__.ts', code: "import { openLedger } from '@payme/till';\nexport const open = openLedger;\n", rule: 'no-restricted-imports', mentions: '@payme/till' },
  { name: 'sync-server ingest imports mpesa (the ingest↔mpesa cycle)', file: 'sync-server/src/ingest/__fixture__.ts', code: "import { MpesaService } from '../mpesa/mpesa-service.js';\nexport const m = MpesaService;\n", rule: 'no-restricted-imports', mentions: 'cycle' },
  { name: 'sync-server ingest still may not import @payme/till', file: 'sync-server/src/ingest/__fixture__.ts', code: "import { openLedger } from '@payme/till';\nexport const open = openLedger;\n", rule: 'no-restricted-imports', mentions: '@payme/till' },
  { name: 'sync-server ingest reads Date.now() instead of its Clock', file: 'sync-server/src/ingest/__fixture__.ts', code: 'export const stamp = () => Date.now();\n', rule: 'no-restricted-syntax', mentions: 'Clock' },
  { name: 'sync-server M-Pesa code reads performance.now()', file: 'sync-server/src/mpesa/__fixture__.ts', code: 'export const stamp = () => performance.now();\n', rule: 'no-restricted-syntax', mentions: 'Clock' },
  { name: 'sync-server owner code makes new Date()', file: 'sync-server/src/owner/__fixture__.ts', code: 'export const today = () => new Date();\n', rule: 'no-restricted-syntax', mentions: 'Clock' },
  { name: 'the till ledger imports the sync agent', file: 'electron/src/ledger/__fixture__.ts', code: "import { SyncAgent } from '../sync/sync-agent.js';\nexport const a = SyncAgent;\n", rule: 'no-restricted-imports', mentions: 'never imports the sync agent' },
  { name: 'the till ledger imports the host', file: 'electron/src/ledger/__fixture__.ts', code: "import { createTillHost } from '../host/till-host.js';\nexport const h = createTillHost;\n", rule: 'no-restricted-imports', mentions: 'the host or main' },
  { name: 'the till ledger (ledger.ts) imports main', file: 'electron/src/ledger/ledger.ts', code: "import { startMain } from '../main/main.js';\nexport const m = startMain;\n", rule: 'no-restricted-imports', mentions: 'the host or main' },
  { name: 'the till host reads ledger tables through the raw connection', file: 'electron/src/host/__fixture__.ts', code: "import { rawDb } from '../ledger/raw-db.js';\nexport const staff = (ledger: object) => rawDb(ledger).prepare('SELECT * FROM staff').all();\n", rule: 'no-restricted-imports', mentions: 'raw connection' },
  { name: 'a ledger module other than ledger.ts takes the raw connection', file: 'electron/src/ledger/__fixture__.ts', code: "import { rawDb } from './raw-db.js';\nexport const r = rawDb;\n", rule: 'no-restricted-imports', mentions: 'raw connection' },
  { name: 'a till CLI opens the ledger file writable beside the ledger', file: 'electron/src/cli/__fixture__.ts', code: "import Database from 'better-sqlite3';\nexport const db = (file: string) => new Database(file);\n", rule: 'no-restricted-syntax', mentions: 'Only the ledger writes ledger tables' },
  { name: 'till backups open the ledger file with readonly false', file: 'electron/src/backup/__fixture__.ts', code: "import Database from 'better-sqlite3';\nexport const db = (file: string) => new Database(file, { readonly: false });\n", rule: 'no-restricted-syntax', mentions: 'Only the ledger writes ledger tables' },
  { name: 'till backups still read Date.now() through a Clock only', file: 'electron/src/backup/__fixture__.ts', code: 'export const stamp = () => Date.now();\n', rule: 'no-restricted-syntax', mentions: 'Clock' },
  { name: 'electron climbs into sync-server by relative path', file: 'electron/src/ledger/__fixture__.ts', code: "import { serve } from '../../../sync-server/src/index.js';\nexport const s = serve;\n", rule: 'payme/import-boundaries', mentions: 'sync-server' },
  { name: 'sync-server re-exports from electron by relative path', file: 'sync-server/src/__fixture__.ts', code: "export * from '../../electron/src/index.js';\n", rule: 'payme/import-boundaries', mentions: 'electron' },
];

const clean: Array<{ name: string; file: string; code: string }> = [
  { name: 'a till CLI reading a ledger file read-only', file: 'electron/src/cli/__fixture__.ts', code: "import Database from 'better-sqlite3';\nexport const db = (file: string) => new Database(file, { readonly: true, fileMustExist: true });\n" },
  { name: 'a till ledger test takes the raw connection and drives the sync agent', file: 'electron/src/ledger/__fixture__.test.ts', code: "import { rawDb } from './raw-db.js';\nimport { SyncAgent } from '../sync/sync-agent.js';\nexport const both = [rawDb, SyncAgent];\n" },
  { name: 'the till host calling the ledger and the sync agent', file: 'electron/src/host/__fixture__.ts', code: "import { openLedger } from '../ledger/ledger.js';\nimport { SyncAgent } from '../sync/sync-agent.js';\nexport const both = [openLedger, SyncAgent];\n" },
  { name: 'shared importing its own modules and @noble/hashes', file: 'shared/src/__fixture__.ts', code: "import { sha256 } from '@noble/hashes/sha2.js';\nimport { genesis_hash } from './hash-chain.js';\nexport const both = [sha256, genesis_hash];\n" },
  { name: 'the clock adapter reading Date.now()', file: 'shared/src/clock.ts', code: 'export const now = () => Date.now();\n' },
  { name: 'renderer importing @payme/shared and react', file: 'renderer/src/__fixture__.tsx', code: "import { formatKes } from '@payme/shared';\nimport { useState } from 'react';\nexport const both = [formatKes, useState];\n" },
  { name: 'electron importing @payme/shared, better-sqlite3 and node:fs', file: 'electron/src/ledger/__fixture__.ts', code: "import { formatKes } from '@payme/shared';\nimport Database from 'better-sqlite3';\nimport { readFileSync } from 'node:fs';\nimport { open } from '../db/open.js';\nexport const all = [formatKes, Database, readFileSync, open];\n" },
  { name: 'sync-server importing @payme/shared and pg', file: 'sync-server/src/__fixture__.ts', code: "import { formatKes } from '@payme/shared';\nimport pg from 'pg';\nexport const both = [formatKes, pg];\n" },
  { name: 'sync-server mpesa importing ingest (one direction only)', file: 'sync-server/src/mpesa/__fixture__.ts', code: "import { uuidFromText } from '../ingest/payment-reuse.js';\nexport const u = uuidFromText;\n" },
  { name: 'the sync-server CLI timing a command with Date.now()', file: 'sync-server/src/cli/__fixture__.ts', code: 'export const stamp = () => Date.now();\n' },
  { name: "the sync-server's pacing clock adapter reading performance.now()", file: 'sync-server/src/pacing-clock.ts', code: 'export const now = () => performance.now();\n' },
  { name: 'a sync-server test reading Date.now()', file: 'sync-server/src/ingest/__fixture__.test.ts', code: 'export const stamp = () => Date.now();\n' },
];

describe('layering lint (DESIGN §2)', () => {
  it.each(violations)('refuses: $name', async ({ file, code, rule, mentions }) => {
    const findings = await lint(file, code);
    const hits = findings.filter((finding) => finding.ruleId === rule);
    expect(hits, `expected ${rule} on ${file}, got ${JSON.stringify(findings)}`).not.toHaveLength(0);
    expect(hits.map((hit) => hit.message).join('\n')).toContain(mentions);
  });

  it.each(clean)('accepts: $name', async ({ file, code }) => {
    expect(await lint(file, code)).toEqual([]);
  });
});
