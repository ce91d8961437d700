import { renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The strict Content Security Policy of both built pages: only our own scripts, styles and API,
 * no remote content, no inline script, no eval. Added at build time only, because the dev server
 * injects an inline React-refresh preamble that this policy would rightly refuse. The hosts send
 * it (and `frame-ancestors`, which a meta policy cannot carry) as a header as well: the till host
 * (electron/src/host/csp.ts) and the sync server for the owner view (sync-server/src/owner-view/).
 */
export const page_csp = [
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
    name: 'payme-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: page_csp }, injectTo: 'head-prepend' }],
  };
}

/** Each page is `dist/<page>/index.html`, so a host serving the folder answers `/` with it. */
function pageAsIndex(page: Page): Plugin {
  return {
    name: 'payme-page-index',
    apply: 'build',
    // Renamed on disk after writing: Vite emits the page late, under its source name.
    writeBundle(options) {
      const dir = options.dir ?? `dist/${page}`;
      renameSync(path.join(dir, `${page}.html`), path.join(dir, 'index.html'));
    },
  };
}

/**
 * zod's `z.locales` namespace (every language's error messages, ~250 KB of ~780 KB) is kept by
 * the bundler although nothing reads it; parsing it slows the first load. Only the namespace
 * zod's own modules re-export is swapped for an English-only one.
 */
function zodEnglishOnly(): Plugin {
  const english = fileURLToPath(new URL('./src/common/zod-locales-english.ts', import.meta.url));
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
export function productionNodeEnv(command: string, mode: string): void {
  if (command === 'build' && mode === 'production') process.env.NODE_ENV = 'production';
}

export type Page = 'till' | 'owner';

/**
 * One page's build (`bin/build-pages.ts` runs both). The cashier app is loaded from disk by
 * Electron (file://) or served by the till's browser host: relative asset paths work for both.
 * The owner view is served by the sync server at `/` with deep links (`/sales/…`) answered by the
 * same index.html, so its asset paths are absolute.
 */
export function pageConfig(page: Page): UserConfig {
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: page === 'till' ? './' : '/',
    plugins: [zodEnglishOnly(), react(), contentSecurityPolicy(), pageAsIndex(page)],
    build: {
      outDir: `dist/${page}`,
      emptyOutDir: true,
      target: 'es2022',
      // Loaded from disk or loopback (the till) or once per session (the owner view): one bundle
      // per page, except what a page imports late (the till's ESC/POS encoder, on the first
      // thermal print).
      chunkSizeWarningLimit: 800,
      rollupOptions: { input: { [page]: `${page}.html` } },
    },
  };
}

// `vite` (dev) and a bare `vite build` work on the cashier app; `npm run build` builds both pages.
export default defineConfig(({ command, mode }) => {
  productionNodeEnv(command, mode);
  return pageConfig('till');
});
