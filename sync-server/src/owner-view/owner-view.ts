/**
 * The owner web view's static files (DESIGN §6, §11, §12): the built page (`renderer/dist/owner`,
 * or `PAYME_OWNER_VIEW_DIR`) at `/`, with a strict Content Security Policy. A deep link such as
 * `/sales/0190…` is answered with the page's index.html, so a bookmark or a reload opens the
 * page that then routes itself; only GET (and HEAD) outside the API and the operations routes
 * (`/v1/`, `/healthz`, `/readyz`, `/metrics`) falls back, so an unknown API route stays a JSON
 * 404 and a POST to nowhere never gets a page.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** `renderer/dist/owner` of this checkout (`npm install` builds it; see renderer/README.md). */
export const default_owner_view_dir = path.resolve(import.meta.dirname, '../../../renderer/dist/owner');

export const build_owner_view_hint = 'Build it: `npm run build -w @payme/renderer` from the repository root (`npm install` does it too).';

/**
 * Only the page's own scripts, styles and API (the live feed is same-origin SSE): no inline
 * script, no eval, no remote content, never framed, no form posting anywhere.
 */
const owner_view_csp: Readonly<Record<string, string>> = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'manifest-src': "'self'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
  'object-src': "'none'",
};

export const owner_view_headers: Readonly<Record<string, string>> = {
  'content-security-policy': Object.entries(owner_view_csp)
    .map(([directive, sources]) => `${directive} ${sources}`)
    .join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Paths the page never answers: the API and the operations routes keep their JSON 404. */
const not_page_paths = /^\/(v1|healthz|readyz|metrics)(\/|$)/;

/** Hashed build output (`/assets/owner-3fA9c.js`) never changes under its name. */
const immutable_asset = /^\/assets\/[^/]+$/;

export function ownerViewBuilt(dir: string): boolean {
  return existsSync(path.join(dir, 'index.html'));
}

/** A path a deep link may carry: its last segment has no file extension. */
function isPagePath(pathname: string): boolean {
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return !last.includes('.');
}

function pathnameOf(request: FastifyRequest): string | null {
  const raw = request.url.split('?')[0] ?? '/';
  try {
    const decoded = decodeURIComponent(raw);
    // @fastify/static (send) refuses traversal itself; these never name a file of ours anyway.
    return decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..') ? null : decoded;
  } catch {
    return null;
  }
}

function sendPage(reply: FastifyReply): FastifyReply {
  void reply.headers(owner_view_headers).header('cache-control', 'no-cache');
  return reply.sendFile('index.html', { cacheControl: false });
}

export async function registerOwnerView(app: FastifyInstance, dir: string | null): Promise<void> {
  if (dir === null) return;
  const built = ownerViewBuilt(dir);
  if (built) await app.register(fastifyStatic, { root: dir, serve: false, dotfiles: 'deny', index: false });

  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = pathnameOf(request);
    if (pathname === null || not_page_paths.test(pathname)) return reply.callNotFound();
    if (!built) {
      return reply.code(503).headers(owner_view_headers).type('text/plain; charset=utf-8').send(`The owner web view is not built in ${dir}.\n${build_owner_view_hint}\n`);
    }
    if (isPagePath(pathname)) return sendPage(reply);
    void reply.headers(owner_view_headers);
    if (immutable_asset.test(pathname)) return reply.sendFile(pathname.slice(1), { immutable: true, maxAge: '365d' });
    return reply.sendFile(pathname.slice(1), { cacheControl: false });
  };
  app.get('/', { config: { access: 'public' } }, answer);
  app.get('/*', { config: { access: 'public' } }, answer);
}
