import { renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The strict Content Security Policy of the built till (Electron loads it from disk, the browser
 * host serves it on loopback): only our own scripts, styles and API, no remote content, no
 * inline script, no eval. Added at build time only, because the dev server injects an inline
 * React-refresh preamble that this policy would rightly refuse.
 */
export const till_csp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'payme-till-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: till_csp }, injectTo: 'head-prepend' }],
  };
}

/** The till's page is `dist/till/index.html`, so a host serving the folder answers `/` with it. */
function tillPageAsIndex(): Plugin {
  return {
    name: 'payme-till-index',
    apply: 'build',
    // Renamed on disk after writing: Vite emits the page late, under its source name.
    writeBundle(options) {
      const dir = options.dir ?? 'dist/till';
      renameSync(path.join(dir, 'till.html'), path.join(dir, 'index.html'));
    },
  };
}

/**
 * zod's `z.locales` namespace (every language's error messages, ~250 KB of ~780 KB) is kept by
 * the bundler although nothing reads it; parsing it slows the till's first load. Only the
 * namespace zod's own modules re-export is swapped for an English-only one.
 */
function zodEnglishOnly(): Plugin {
  const english = fileURLToPath(new URL('./src/till/zod-locales-english.ts', import.meta.url));
  return {
    name: 'payme-zod-english-only',
    enforce: 'pre',
    resolveId(source, importer) {
      const from = importer?.replaceAll('\\', '/') ?? '';
      return source === '../locales/index.js' && /\/node_modules\/zod\/v4\/(classic|core|mini)\//.test(from) ? english : null;
    },
  };
}

/**
 * A production build is a production build whatever NODE_ENV the caller's environment holds.
 * Vite takes an already-set NODE_ENV over the mode, so `vite build` started from a vitest run
 * (NODE_ENV=test: the e2e harness rebuilds a stale dist) shipped React's development build:
 * +240 KB and every scan's render ~2× slower, with no sign of it but the numbers. Vite reads
 * NODE_ENV again after loading this file, so setting it here decides. A development build on
 * purpose still works: `NODE_ENV=development vite build --mode development`.
 */
function productionNodeEnv(command: string, mode: string): void {
  if (command === 'build' && mode === 'production') process.env.NODE_ENV = 'production';
}

// The cashier app is built to dist/till and loaded from disk by Electron (file://) or served by
// the till's browser host; relative asset paths work for both.
const config = {
  base: './',
  plugins: [zodEnglishOnly(), react(), contentSecurityPolicy(), tillPageAsIndex()],
  build: {
    outDir: 'dist/till',
    emptyOutDir: true,
    target: 'es2022',
    // Loaded from disk or loopback, not over a network: one bundle, except the ESC/POS encoder,
    // which is imported when a thermal printer first prints (ReceiptView).
    chunkSizeWarningLimit: 800,
    rollupOptions: { input: { till: 'till.html' } },
  },
} satisfies UserConfig;

export default defineConfig(({ command, mode }) => {
  productionNodeEnv(command, mode);
  return config;
});
