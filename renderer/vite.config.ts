import { renameSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
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

// The cashier app is built to dist/till and loaded from disk by Electron (file://) or served by
// the till's browser host; relative asset paths work for both.
export default defineConfig({
  base: './',
  plugins: [react(), contentSecurityPolicy(), tillPageAsIndex()],
  build: {
    outDir: 'dist/till',
    emptyOutDir: true,
    target: 'es2022',
    // One local bundle loaded from disk or loopback, not over a network: no need to split it.
    chunkSizeWarningLimit: 800,
    rollupOptions: { input: { till: 'till.html' } },
  },
});
