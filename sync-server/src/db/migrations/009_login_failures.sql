-- 009: the per-account sign-in limit (issue 12, auth/login-throttle.ts). One row per email that
-- failed to sign in recently, known or not, so the limit holds across every server instance on
-- this database and says nothing about who has an account. The only table without business_id:
-- an email is limited before any business is known, and one that belongs to none is limited too.
-- account_key is the SHA-256 of the lower-cased email; the email itself is not kept.
CREATE TABLE login_failures (
  account_key text PRIMARY KEY,
  failures integer NOT NULL CHECK (failures >= 0),
  last_failed_at timestamptz NOT NULL,
  blocked_until timestamptz NOT NULL
);
CREATE INDEX login_failures_last_failed_at ON login_failures (last_failed_at);
