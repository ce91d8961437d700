-- 001: tenancy, auth, catalog, audit log, idempotency keys and the change feed.
-- Written for PostgreSQL 15 and PGlite alike. Every table carries business_id (the tenant and
-- the distribution column); times come from the server's injected clock as parameters, never
-- from now(), so tests and the simulation are deterministic.

CREATE TABLE businesses (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  time_zone text NOT NULL DEFAULT 'Africa/Nairobi',
  -- "HH:MM" local time at which the business day rolls over (late-night shops close after 00:00).
  business_day_cutoff text NOT NULL DEFAULT '00:00' CHECK (business_day_cutoff ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  -- Per-business gapless counters, allocated under the business row's lock.
  feed_seq bigint NOT NULL DEFAULT 0 CHECK (feed_seq >= 0),
  audit_seq bigint NOT NULL DEFAULT 0 CHECK (audit_seq >= 0),
  created_at timestamptz NOT NULL
);

CREATE TABLE stores (
  id uuid PRIMARY KEY,
  business_id uuid NOT NULL REFERENCES businesses (id),
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (business_id, id)
);

CREATE TABLE tills (
  id uuid PRIMARY KEY,
  business_id uuid NOT NULL REFERENCES businesses (id),
  store_id uuid NOT NULL,
  name text NOT NULL,
  receipt_prefix text NOT NULL CHECK (receipt_prefix ~ '^[A-Z0-9]{1,8}$'),
  epoch integer NOT NULL DEFAULT 1 CHECK (epoch >= 1),
  device_token_hash text NOT NULL UNIQUE,
  acked_seq bigint NOT NULL DEFAULT 0 CHECK (acked_seq >= 0),
  head_hash text NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
  fenced boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  UNIQUE (business_id, id),
  UNIQUE (business_id, receipt_prefix),
  FOREIGN KEY (business_id, store_id) REFERENCES stores (business_id, id)
);

CREATE TABLE staff (
  id uuid PRIMARY KEY,
  business_id uuid NOT NULL REFERENCES businesses (id),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'cashier')),
  -- Lowercased by the server; owners and managers log in with it.
  email text,
  password_hash text,
  pin_hash text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (business_id, id),
  CHECK (role = 'cashier' OR email IS NOT NULL),
  CHECK (email IS NULL OR email = lower(email))
);
CREATE UNIQUE INDEX staff_email_per_business ON staff (business_id, email) WHERE email IS NOT NULL;
CREATE INDEX staff_email ON staff (email) WHERE email IS NOT NULL;

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  business_id uuid NOT NULL REFERENCES businesses (id),
  staff_id uuid NOT NULL,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  FOREIGN KEY (business_id, staff_id) REFERENCES staff (business_id, id)
);
CREATE INDEX sessions_staff ON sessions (business_id, staff_id);

CREATE TABLE enrollment_codes (
  code_hash text PRIMARY KEY,
  business_id uuid NOT NULL REFERENCES businesses (id),
  store_id uuid NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by_till_id uuid,
  FOREIGN KEY (business_id, store_id) REFERENCES stores (business_id, id)
);

CREATE TABLE products (
  id uuid PRIMARY KEY,
  business_id uuid NOT NULL REFERENCES businesses (id),
  name text NOT NULL,
  sku text,
  barcode text,
  -- VAT-inclusive unit price in cents, per piece or per kg / litre for gram / millilitre units.
  price_cents bigint NOT NULL CHECK (price_cents >= 0),
  cost_cents bigint CHECK (cost_cents IS NULL OR cost_cents >= 0),
  vat_class text NOT NULL CHECK (vat_class IN ('standard', 'exempt', 'zero_rated')),
  unit text NOT NULL CHECK (unit IN ('piece', 'gram', 'millilitre')),
  stock_policy text NOT NULL CHECK (stock_policy IN ('block', 'allow_with_override')),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (business_id, id)
);
CREATE UNIQUE INDEX products_barcode_per_business ON products (business_id, barcode) WHERE barcode IS NOT NULL;
CREATE UNIQUE INDEX products_sku_per_business ON products (business_id, sku) WHERE sku IS NOT NULL;

CREATE TABLE customers (
  id uuid PRIMARY KEY,
  business_id uuid NOT NULL REFERENCES businesses (id),
  name text NOT NULL,
  phone text,
  credit_limit_cents bigint NOT NULL DEFAULT 0 CHECK (credit_limit_cents >= 0),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (business_id, id)
);

CREATE TABLE settings (
  business_id uuid NOT NULL REFERENCES businesses (id),
  key text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, key)
);

-- The audit log: append-only, gapless per business, each entry chained to the one before.
-- occurred_at is kept as the exact text that was hashed.
CREATE TABLE audit_log (
  business_id uuid NOT NULL REFERENCES businesses (id),
  seq bigint NOT NULL CHECK (seq >= 1),
  kind text NOT NULL,
  actor text,
  subject text,
  data jsonb NOT NULL,
  occurred_at text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (business_id, seq)
);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Ed25519 signatures over JCS {business_id, seq, hash} (DESIGN §5).
CREATE TABLE audit_checkpoints (
  business_id uuid NOT NULL REFERENCES businesses (id),
  seq bigint NOT NULL,
  hash text NOT NULL,
  signature text NOT NULL,
  key_id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, seq)
);

-- Idempotency-Key of DESIGN §6: kept as long as the business exists.
CREATE TABLE idempotency_keys (
  business_id uuid NOT NULL REFERENCES businesses (id),
  key text NOT NULL,
  scope text NOT NULL,
  request_hash text NOT NULL,
  response jsonb,
  status_code integer,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, key)
);

-- The pull feed: every authoritative change in per-business gapless order.
CREATE TABLE feed_changes (
  business_id uuid NOT NULL REFERENCES businesses (id),
  change_seq bigint NOT NULL CHECK (change_seq >= 1),
  kind text NOT NULL,
  entity_id text NOT NULL,
  data jsonb NOT NULL,
  -- The caller passes its clock's time; the default only serves ad-hoc SQL.
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, change_seq)
);
