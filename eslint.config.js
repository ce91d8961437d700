// Lint for the whole monorepo, and the layering rule of DESIGN §2 in one place:
//   shared       imports nothing of ours, no Node-only and no DOM-only module (shared/src);
//   renderer     imports only @payme/shared of ours, never electron / node:* / better-sqlite3;
//   electron and sync-server import @payme/shared and never each other nor the renderer;
//   no relative import climbs out of its own package (`../../sync-server/...`).
// Domain code in shared/src never reads the clock or randomness directly (DESIGN §2, injected
// Clock and Random); clock.ts and random.ts are the adapters and are exempt. The same holds for
// the till's ledger, sync, update and backup code and for sync-server/src (its CLI excepted).
// sync-server/src/ingest never imports sync-server/src/mpesa (no ingest↔mpesa cycle).
// e2e/tests/layering-lint.test.ts proves these rules fire on deliberate violations.
import path from 'node:path';
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const repo_root = path.dirname(new URL(import.meta.url).pathname);
const workspace_folders = ['shared', 'electron', 'renderer', 'sync-server', 'e2e'];

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const bare_builtins = builtinModules.filter((name) => !name.startsWith('node:') && !name.startsWith('_'));

/** Restrictions shared by the static-import rule and the dynamic-import check. */
const forbid = {
  node_builtins: {
    regex: `^(node:.*|(${bare_builtins.map(escapeRegex).join('|')})(/.*)?)$`,
    message: 'Node built-in modules are not allowed here (DESIGN §2: this code also runs in a browser).',
  },
  dom_only: {
    regex: '^(react|react-dom|zustand|jsdom|@testing-library/.*)(/.*)?$',
    message: 'shared is isomorphic: no DOM-only or UI module (DESIGN §2).',
  },
  node_only_packages: {
    regex: '^(better-sqlite3|electron|pg|pino|fastify|@fastify/.*|@electric-sql/pglite)(/.*)?$',
    message: 'shared is isomorphic: no Node-only package (DESIGN §2).',
  },
  any_of_ours: {
    regex: '^@payme/',
    message: 'shared imports nothing of ours (DESIGN §2); use relative imports inside shared/src.',
  },
  ours_but_shared: {
    regex: '^@payme/(?!shared(/|$))',
    message: 'shared code may import only @payme/shared of ours (DESIGN §2).',
  },
  renderer_ours: {
    regex: '^@payme/(?!shared(/|$)|renderer(/|$))',
    message: 'the renderer imports only @payme/shared of ours; it talks to the till through the typed till API (DESIGN §2).',
  },
  renderer_node_only: {
    regex: '^(electron|better-sqlite3)(/.*)?$',
    message: 'the renderer never imports electron or better-sqlite3; it talks to the till through the typed till API (DESIGN §2).',
  },
  till_foreign: {
    regex: '^@payme/(sync-server|renderer|e2e)(/.*)?$',
    message: 'the till (electron/) never imports the sync server, the renderer internals or e2e (DESIGN §2); shared types live in @payme/shared.',
  },
  server_foreign: {
    regex: '^(@payme/(till|renderer|e2e)(/.*)?|electron(/.*)?)$',
    message: 'the sync server never imports the till, electron, the renderer internals or e2e (DESIGN §2); shared types live in @payme/shared.',
  },
  ledger_inward: {
    // From electron/src/ledger/x.ts, '../sync/…', '../host/…', '../main/…' (and the package's own names).
    regex: '^(\\.\\./(sync|host|main)(/|\\.js$|$)|@payme/till/sync(/|$))',
    message: 'the ledger never imports the sync agent, the host or main (issue 14): they call the ledger, never the other way.',
  },
  raw_ledger_db: {
    regex: '(^|/)raw-db(\\.js)?$',
    message: "production code reaches the ledger only through its methods; its raw connection (ledger/raw-db.ts) is for tests and the benchmark (issue 14). Add a ledger query or command instead.",
  },
  ingest_not_mpesa: {
    regex: '^\\.\\./mpesa(/|$)',
    message: 'ingest/ never imports mpesa/ (issue 14: no ingest↔mpesa cycle); a rule both need lives in ingest/ and mpesa/ imports it.',
  },
};

/**
 * Refuses relative imports that leave the importing file's workspace, and dynamic `import()` of
 * a module the folder's layering forbids (no-restricted-imports only sees static imports).
 */
const boundaries_plugin = {
  rules: {
    'import-boundaries': {
      meta: {
        type: 'problem',
        schema: [{ type: 'object', properties: { forbidden: { type: 'array' } }, additionalProperties: false }],
        messages: {
          escapes: "Relative import '{{source}}' leaves the {{workspace}} package; import the other package by name, if the layering allows it (DESIGN §2).",
          forbidden: "Dynamic import '{{source}}': {{message}}",
        },
      },
      create(context) {
        const forbidden = (context.options[0]?.forbidden ?? []).map((entry) => ({ ...entry, pattern: new RegExp(entry.regex) }));
        const relative_file = path.relative(repo_root, context.filename);
        const workspace = relative_file.split(path.sep)[0];
        const workspace_root = workspace_folders.includes(workspace) ? path.join(repo_root, workspace) : null;
        function check(node, is_dynamic) {
          const source = node?.type === 'Literal' && typeof node.value === 'string' ? node.value : null;
          if (source === null) return;
          if (source.startsWith('.') && workspace_root !== null) {
            const target = path.resolve(path.dirname(context.filename), source);
            if (target !== workspace_root && !target.startsWith(workspace_root + path.sep)) {
              context.report({ node, messageId: 'escapes', data: { source, workspace } });
            }
            return;
          }
          if (!is_dynamic) return;
          const hit = forbidden.find((entry) => entry.pattern.test(source));
          if (hit) context.report({ node, messageId: 'forbidden', data: { source, message: hit.message } });
        }
        return {
          ImportDeclaration: (node) => check(node.source, false),
          ExportNamedDeclaration: (node) => check(node.source, false),
          ExportAllDeclaration: (node) => check(node.source, false),
          ImportExpression: (node) => check(node.source, true),
        };
      },
    },
  },
};

/** One config block per folder: a later block's rule options replace an earlier one's, never merge. */
function layering(files, restrictions, extra = {}) {
  const patterns = restrictions.map(({ regex, message }) => ({ regex, message }));
  return {
    files,
    ...extra,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'payme/import-boundaries': ['error', { forbidden: patterns }],
      ...extra.rules,
    },
  };
}

// Direct reads of time and randomness that domain code must take from an injected Clock/Random.
const injected_time_and_randomness = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Take the time from an injected Clock, not Date.now() (DESIGN §2).' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Take the time from an injected Clock, not new Date() (DESIGN §2).' },
  { selector: "MemberExpression[object.name='performance'][property.name='now']", message: 'Take the time from an injected Clock, not performance.now() (DESIGN §2).' },
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Take randomness from an injected Random, not Math.random() (DESIGN §2).' },
  { selector: "CallExpression[callee.property.name='randomUUID']", message: 'Make ids with uuidv7(clock, random), not crypto.randomUUID() (DESIGN §2).' },
  { selector: "CallExpression[callee.property.name='getRandomValues']", message: 'Take randomness from an injected Random, not getRandomValues() (DESIGN §2).' },
];

// Only the ledger writes ledger tables (issue 14): outside electron/src/ledger a better-sqlite3
// connection is opened read-only (a backup's check, a replaced ledger read for import, a salvage).
const read_only_sqlite_outside_the_ledger = [
  {
    selector: "NewExpression[callee.name='Database']:not(:has(ObjectExpression > Property[key.name='readonly'][value.value=true]))",
    message: "Only the ledger writes ledger tables (issue 14): open the file through openLedger, or read it with new Database(file, { readonly: true }).",
  },
];

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '**/*.tsbuildinfo',
      '.payme/**',
      'test-results/**',
      'playwright-report/**',
      'e2e/artifacts/**',
      'e2e/fixtures/layering/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        // The runtimes every folder shares (Node 20 and current browsers); DOM globals are
        // checked by TypeScript per tsconfig, not here.
        console: 'readonly', process: 'readonly', URL: 'readonly', URLSearchParams: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly',
        performance: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly',
        globalThis: 'readonly',
      },
    },
    plugins: { payme: boundaries_plugin },
    rules: {
      // `_name` marks a deliberately unused binding (e.g. dropping `hash` from a record).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      'payme/import-boundaries': 'error',
    },
  },
  layering(['shared/src/**'], [forbid.any_of_ours, forbid.node_builtins, forbid.dom_only, forbid.node_only_packages], {
    rules: { 'no-restricted-syntax': ['error', ...injected_time_and_randomness] },
  }),
  {
    // The adapters at the process edge: the only places that read the real clock and CSPRNG.
    files: ['shared/src/clock.ts', 'shared/src/random.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Domain code of the till and the server takes a Clock and a Random from its caller too
    // (DESIGN §2); tests and benchmarks may read real time to measure it.
    files: ['electron/src/ledger/**/*.ts', 'electron/src/sync/**/*.ts', 'electron/src/update/**/*.ts', 'electron/src/backup/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...injected_time_and_randomness] },
  },
  {
    files: ['electron/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'electron/src/ledger/**', 'electron/src/sync/**', 'electron/src/update/**', 'electron/src/backup/**'],
    rules: { 'no-restricted-syntax': ['error', ...read_only_sqlite_outside_the_ledger] },
  },
  {
    files: ['electron/src/sync/**/*.ts', 'electron/src/update/**/*.ts', 'electron/src/backup/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...injected_time_and_randomness, ...read_only_sqlite_outside_the_ledger] },
  },
  {
    // The sync server's code too. The process edge is exempt: its CLI (it times what it runs for
    // IT), pacing-clock.ts (the monotonic adapter that paces the process) and durable-file.ts
    // (the filesystem adapter; the time only makes a temporary file's name unique).
    files: ['sync-server/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'sync-server/src/cli/**', 'sync-server/src/pacing-clock.ts', 'sync-server/src/durable-file.ts'],
    rules: { 'no-restricted-syntax': ['error', ...injected_time_and_randomness] },
  },
  layering(['shared/test/**', 'shared/bench/**', 'shared/*.ts'], [forbid.ours_but_shared]),
  layering(['renderer/src/**'], [forbid.renderer_ours, forbid.renderer_node_only, forbid.node_builtins]),
  layering(['renderer/test/**', 'renderer/bench/**', 'renderer/*.ts'], [forbid.renderer_ours, forbid.renderer_node_only]),
  layering(['electron/**'], [forbid.till_foreign]),
  layering(['electron/src/**'], [forbid.till_foreign, forbid.raw_ledger_db], { ignores: ['**/*.test.ts', 'electron/src/ledger/ledger.ts'] }),
  layering(['electron/src/ledger/**'], [forbid.till_foreign, forbid.raw_ledger_db, forbid.ledger_inward], { ignores: ['**/*.test.ts', 'electron/src/ledger/ledger.ts'] }),
  layering(['electron/src/ledger/ledger.ts'], [forbid.till_foreign, forbid.ledger_inward]),
  layering(['sync-server/**'], [forbid.server_foreign]),
  layering(['sync-server/src/ingest/**'], [forbid.server_foreign, forbid.ingest_not_mpesa]),
);
