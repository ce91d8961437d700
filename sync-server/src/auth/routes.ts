/**
 * Owner and manager sign-in (DESIGN §6): email + password (scrypt), a session held in an
 * httpOnly cookie (with a CSRF token the page echoes on unsafe requests) or used as a bearer
 * token, absolute expiry, logout, and changing one's own password. The bodies are shared's
 * (`owner-api.ts`), so the web view's forms refuse what the server refuses.
 */
import type { FastifyInstance } from 'fastify';
import { changePasswordBody, isoAt, loginBody, randomToken, type SessionResponse } from '@payme/shared';
import type { ServerDeps } from '../deps.js';
import { badRequest, parseInput, unauthorized } from '../http/errors.js';
import { newSessionToken, session_cookie, tokenHash, type StaffPrincipal } from './principal.js';
import { createLoginThrottle } from './login-throttle.js';

export async function registerAuthRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const { db, clock, random, config, hasher } = deps;
  // Unknown emails still pay for one hash, so response time does not reveal who has an account.
  let decoyHash: Promise<string> | null = null;
  const decoy = () => {
    decoyHash ??= hasher.hash('decoy-password', config.password_hash_cost);
    // A failed first attempt (a busy queue) must not stay the answer for every later one.
    decoyHash.catch(() => (decoyHash = null));
    return decoyHash;
  };
  const throttle = createLoginThrottle(db, clock, config.login_throttle);

  /**
   * One password check under the per-account limit (login-throttle.ts): refused at once while the
   * account waits, counted as a failure unless the password is right. The hash runs off the event
   * loop (deps.hasher), inside the caller's `hasher.admit`; a full queue refuses it with 503
   * `hasher_busy` and Retry-After, and a refusal after the count was taken gives it back. `stored` null (no such account) still costs one hash.
   */
  async function passwordMatches(email: string, password: string, stored: string | null): Promise<boolean> {
    const attempt = await throttle.begin(email);
    let matches: boolean;
    try {
      matches = stored !== null && (await hasher.verify(password, stored));
      if (stored === null) await hasher.verify(password, await decoy());
    } catch (error) {
      // The refusal matters more than the count: one not given back costs a single free failure.
      await attempt.abandoned().catch(() => undefined);
      throw error;
    }
    if (matches) await attempt.succeeded();
    return matches;
  }

  app.post('/v1/auth/login', { config: { access: 'public', rateLimit: config.rate_limits.login } }, async (request, reply) => {
    const body = parseInput(loginBody, request.body);
    const email = body.email.toLowerCase();
    // Its queries and its hash wait their turn together (hasher.admit): a burst of sign-ins
    // reads the database at the pace of the hashes, not all at once ahead of every callback.
    const { staff, ok } = await hasher.admit(async () => {
      const candidates = await db.query<{ id: string; business_id: string; name: string; role: 'owner' | 'manager'; password_hash: string | null }>(
        `SELECT id::text AS id, business_id::text AS business_id, name, role, password_hash FROM staff
          WHERE email = $1 AND active AND role IN ('owner', 'manager') AND ($2::uuid IS NULL OR business_id = $2::uuid)`,
        [email, body.business_id ?? null],
      );
      if (candidates.length > 1) {
        throw badRequest('business_required', 'This email belongs to several businesses; choose one', 'business_id');
      }
      const found = candidates[0];
      return { staff: found, ok: await passwordMatches(email, body.password, found?.password_hash ?? null) };
    });
    if (!staff || !ok) throw unauthorized('invalid_credentials', 'Wrong email or password');

    const token = newSessionToken(random);
    const csrfToken = randomToken(random, 24);
    const now = clock.now();
    const expiresAt = isoAt(now + config.session_ttl_ms);
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO sessions (token_hash, business_id, staff_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [tokenHash(token), staff.business_id, staff.id, csrfToken, isoAt(now), expiresAt],
      );
      await deps.audit.append(tx, staff.business_id, { kind: 'session.login', actor: staff.id, subject: staff.id, data: { role: staff.role }, occurred_at: isoAt(now) });
    });
    void reply.setCookie(session_cookie, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: config.cookie_secure,
      path: '/',
      expires: new Date(now + config.session_ttl_ms),
    });
    return {
      token,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      business_id: staff.business_id,
      staff: { id: staff.id, name: staff.name, role: staff.role },
    };
  });

  app.post('/v1/auth/logout', { config: { access: 'manager' } }, async (request, reply) => {
    const principal = request.principal as StaffPrincipal;
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM sessions WHERE token_hash = $1 AND business_id = $2', [principal.session_token_hash, principal.business_id]);
      await deps.audit.append(tx, principal.business_id, {
        kind: 'session.logout',
        actor: principal.staff_id,
        subject: principal.staff_id,
        data: {},
        occurred_at: isoAt(clock.now()),
      });
    });
    void reply.clearCookie(session_cookie, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/v1/auth/session', { config: { access: 'manager' } }, async (request): Promise<SessionResponse> => {
    const principal = request.principal as StaffPrincipal;
    const rows = await db.query<{ name: string; csrf_token: string; expires_at: Date; business_name: string; time_zone: string; business_day_cutoff: string; feed_seq: string }>(
      `SELECT st.name, s.csrf_token, s.expires_at, b.name AS business_name, b.time_zone, b.business_day_cutoff, b.feed_seq::text AS feed_seq
         FROM sessions s JOIN staff st ON st.business_id = s.business_id AND st.id = s.staff_id
         JOIN businesses b ON b.id = s.business_id
        WHERE s.token_hash = $1 AND s.business_id = $2`,
      [principal.session_token_hash, principal.business_id],
    );
    const row = rows[0];
    if (!row) throw unauthorized('invalid_token', 'This session is not valid; sign in again');
    return {
      business_id: principal.business_id,
      // Every page formats money and dates with these, whatever the caller's role (DESIGN §12).
      business: { id: principal.business_id, name: row.business_name, currency: 'KES', time_zone: row.time_zone, business_day_cutoff: row.business_day_cutoff },
      staff: { id: principal.staff_id, name: row.name, role: principal.role },
      csrf_token: row.csrf_token,
      expires_at: new Date(row.expires_at).toISOString(),
      // The live feed starts here: a page that has just loaded needs only what changes next.
      feed_cursor: row.feed_seq,
    };
  });

  app.post('/v1/auth/password', { config: { access: 'manager', rateLimit: config.rate_limits.login } }, async (request) => {
    const principal = request.principal as StaffPrincipal;
    const body = parseInput(changePasswordBody, request.body);
    const matches = await hasher.admit(async () => {
      const rows = await db.query<{ email: string | null; password_hash: string | null }>('SELECT email, password_hash FROM staff WHERE business_id = $1 AND id = $2', [
        principal.business_id,
        principal.staff_id,
      ]);
      const current = rows[0];
      // The same per-account limit as the sign-in: a stolen session cannot guess the password either.
      return current?.email ? passwordMatches(current.email, body.current_password, current.password_hash) : false;
    });
    if (!matches) {
      throw badRequest('invalid_credentials', 'current_password: this is not your current password', 'current_password');
    }
    if (body.new_password === body.current_password) throw badRequest('invalid_input', 'new_password: choose a password other than the current one', 'new_password');
    const passwordHash = await hasher.hash(body.new_password, config.password_hash_cost);
    const now = clock.now();
    await db.transaction(async (tx) => {
      await tx.query('UPDATE staff SET password_hash = $3, updated_at = $4 WHERE business_id = $1 AND id = $2', [principal.business_id, principal.staff_id, passwordHash, isoAt(now)]);
      // Every other session of this person ends: a stolen session does not outlive the change.
      await tx.query('DELETE FROM sessions WHERE business_id = $1 AND staff_id = $2 AND token_hash <> $3', [principal.business_id, principal.staff_id, principal.session_token_hash]);
      await deps.audit.append(tx, principal.business_id, { kind: 'staff.password_changed', actor: principal.staff_id, subject: principal.staff_id, data: {}, occurred_at: isoAt(now) });
    });
    return { changed: true };
  });
}
