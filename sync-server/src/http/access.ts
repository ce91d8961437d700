/**
 * Route access: every route must declare `config.access` (registration fails otherwise) and a
 * request hook enforces it before the body is even parsed. The registry of declared routes
 * lets the tenant-isolation test walk every route the server has.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../deps.js';
import {
  access_levels,
  csrf_header,
  device_token_prefix,
  sameSecret,
  session_cookie,
  session_token_prefix,
  tokenHash,
  type Access,
  type Principal,
} from '../auth/principal.js';
import { forbidden, unauthorized } from './errors.js';

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    payme: { routes: RouteInfo[]; deps: ServerDeps };
  }
}

const safe_methods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Installs the onRoute check, the registry and the enforcing hook on `app` (root scope). */
export function installAccessControl(app: FastifyInstance, deps: ServerDeps): void {
  app.decorateRequest('principal', null);
  app.decorate('payme', { routes: [] as RouteInfo[], deps });

  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: unknown } | undefined)?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (typeof access !== 'string' || !(access_levels as readonly string[]).includes(access)) {
      throw new Error(`route ${methods.join(',')} ${route.url} must declare config.access (one of ${access_levels.join(', ')})`);
    }
    for (const method of methods) app.payme.routes.push({ method, url: route.url, access: access as Access });
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    // Unmatched URLs (404) carry no route config; the not-found handler answers them.
    if (access === undefined || access === 'public') return;
    const authenticated = await authenticate(request, deps);
    const principal = authenticated?.principal;
    if (!principal) throw unauthorized('unauthenticated', 'Sign in first (no session or device token was sent)');
    if (!allows(access, principal)) throw forbidden('forbidden', `This needs ${access} access`);
    if (principal.kind === 'staff' && principal.via_cookie && !safe_methods.has(request.method)) {
      const sent = request.headers[csrf_header];
      const expected = authenticated.csrf_token;
      if (typeof sent !== 'string' || expected === null || !sameSecret(sent, expected)) {
        throw forbidden('csrf_failed', `Send the session's CSRF token in the ${csrf_header} header`);
      }
    }
    request.principal = principal;
  });
}

function allows(access: Exclude<Access, 'public'>, principal: Principal): boolean {
  switch (access) {
    case 'owner':
      return principal.kind === 'staff' && principal.role === 'owner';
    case 'manager':
      return principal.kind === 'staff';
    case 'device':
      return principal.kind === 'device';
    case 'staff':
      return true;
  }
}

function credentials(request: FastifyRequest): { token: string; via_cookie: boolean } | null {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header !== '') {
    const match = /^Bearer ([\x21-\x7e]{1,200})$/.exec(header);
    if (!match) throw unauthorized('invalid_token', 'The Authorization header must be "Bearer <token>"');
    return { token: match[1] as string, via_cookie: false };
  }
  const cookie = request.cookies?.[session_cookie];
  if (typeof cookie === 'string' && cookie !== '') return { token: cookie, via_cookie: true };
  return null;
}

async function authenticate(request: FastifyRequest, deps: ServerDeps): Promise<{ principal: Principal; csrf_token: string | null } | null> {
  const sent = credentials(request);
  if (!sent) return null;
  const hash = tokenHash(sent.token);
  if (sent.token.startsWith(session_token_prefix)) {
    const rows = await deps.db.query<{
      business_id: string;
      staff_id: string;
      csrf_token: string;
      expires_at: Date;
      role: string;
      active: boolean;
      business_name: string;
      time_zone: string;
      business_day_cutoff: string;
    }>(
      `SELECT s.business_id::text AS business_id, s.staff_id::text AS staff_id, s.csrf_token, s.expires_at, st.role, st.active,
              b.name AS business_name, b.time_zone, b.business_day_cutoff
         FROM sessions s JOIN staff st ON st.business_id = s.business_id AND st.id = s.staff_id
         JOIN businesses b ON b.id = s.business_id
        WHERE s.token_hash = $1`,
      [hash],
    );
    const row = rows[0];
    if (!row || !row.active || (row.role !== 'owner' && row.role !== 'manager')) {
      throw unauthorized('invalid_token', 'This session is not valid; sign in again');
    }
    if (new Date(row.expires_at).getTime() <= deps.clock.now()) throw unauthorized('session_expired', 'The session has expired; sign in again');
    return {
      principal: {
        kind: 'staff',
        business_id: row.business_id,
        staff_id: row.staff_id,
        role: row.role,
        business: { name: row.business_name, time_zone: row.time_zone, business_day_cutoff: row.business_day_cutoff },
        session_token_hash: hash,
        via_cookie: sent.via_cookie,
      },
      csrf_token: row.csrf_token,
    };
  }
  if (sent.token.startsWith(device_token_prefix) && !sent.via_cookie) {
    const rows = await deps.db.query<{ id: string; business_id: string; store_id: string; epoch: number; fenced: boolean; retired: boolean }>(
      // device_tokens is the global lookup (migration 013), so tills stay keyed by business.
      `SELECT t.id::text AS id, t.business_id::text AS business_id, t.store_id::text AS store_id, t.epoch, t.fenced, t.retired_at IS NOT NULL AS retired
         FROM device_tokens d JOIN tills t ON t.business_id = d.business_id AND t.id = d.till_id WHERE d.token_hash = $1`,
      [hash],
    );
    const till = rows[0];
    if (!till) throw unauthorized('invalid_token', 'This device token is not valid; enroll the till again');
    if (till.retired) throw unauthorized('till_retired', 'The owner retired this till; enroll it again with a new code to use it');
    return {
      principal: { kind: 'device', business_id: till.business_id, store_id: till.store_id, till_id: till.id, epoch: till.epoch, fenced: till.fenced },
      csrf_token: null,
    };
  }
  throw unauthorized('invalid_token', 'This token is not valid');
}
