/**
 * Maps a `payme://till/<path>` request to a file of the built renderer, refusing anything that
 * would leave its folder (`..`, encoded slashes, absolute paths). Electron main serves the page
 * through this; the browser host uses @fastify/static, which has its own guard.
 */
import path from 'node:path';
import { isTillPageUrl } from './window-options.js';

export const content_types: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

export function resolveAppFile(rootDir: string, url: string): { file: string; contentType: string } | null {
  if (!isTillPageUrl(url)) return null;
  const pathname = new URL(url).pathname;
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0') || relative.includes('\\')) return null;
  if (relative === '/' || relative === '') relative = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${path.posix.normalize(relative)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  const contentType = content_types[path.extname(file).toLowerCase()];
  return contentType === undefined ? null : { file, contentType };
}
