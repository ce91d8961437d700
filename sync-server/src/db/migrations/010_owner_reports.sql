-- 010: the owner web view (DESIGN §12). Expand-only: new tables, nullable columns and indexes, so
-- release N−1 keeps running on this schema (it ingests without rollups; see rolled_up below).

-- Rollups: derived from the till events, kept by the push's finishing step inside the ingest
-- transaction, so a report reads O(days) rows instead of O(sale lines). Refunds and voids fold
-- into the business day they happen (signed measures). `tender` is the tender kind for the
-- money taken and given back by tender (tender_cents, tender_refund_cents), and '' for the row
-- holding what belongs to the sale as a whole (counts, gross, discounts, VAT, cost…): every
-- measure is on exactly one row, so plain sums over any grouping are right.
CREATE TABLE sales_rollup_hourly (
  business_id uuid NOT NULL REFERENCES businesses (id),
  business_day date NOT NULL,
  hour smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
  store_id uuid NOT NULL,
  till_id uuid NOT NULL,
  cashier_id uuid NOT NULL,
  tender text NOT NULL CHECK (tender IN ('', 'cash', 'mpesa', 'credit')),
  sale_count integer NOT NULL DEFAULT 0,
  void_count integer NOT NULL DEFAULT 0,
  refund_count integer NOT NULL DEFAULT 0,
  gross_cents bigint NOT NULL DEFAULT 0,
  discount_cents bigint NOT NULL DEFAULT 0,
  refund_cents bigint NOT NULL DEFAULT 0,
  vat_cents bigint NOT NULL DEFAULT 0,
  rounding_cents bigint NOT NULL DEFAULT 0,
  cost_cents bigint NOT NULL DEFAULT 0,
  costed_ex_vat_cents bigint NOT NULL DEFAULT 0,
  uncosted_cents bigint NOT NULL DEFAULT 0,
  tender_cents bigint NOT NULL DEFAULT 0,
  tender_refund_cents bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (business_id, business_day, hour, store_id, till_id, cashier_id, tender)
);

-- The same per business day (no hour): what periods longer than a day read.
CREATE TABLE sales_rollup_daily (
  business_id uuid NOT NULL REFERENCES businesses (id),
  business_day date NOT NULL,
  store_id uuid NOT NULL,
  till_id uuid NOT NULL,
  cashier_id uuid NOT NULL,
  tender text NOT NULL CHECK (tender IN ('', 'cash', 'mpesa', 'credit')),
  sale_count integer NOT NULL DEFAULT 0,
  void_count integer NOT NULL DEFAULT 0,
  refund_count integer NOT NULL DEFAULT 0,
  gross_cents bigint NOT NULL DEFAULT 0,
  discount_cents bigint NOT NULL DEFAULT 0,
  refund_cents bigint NOT NULL DEFAULT 0,
  vat_cents bigint NOT NULL DEFAULT 0,
  rounding_cents bigint NOT NULL DEFAULT 0,
  cost_cents bigint NOT NULL DEFAULT 0,
  costed_ex_vat_cents bigint NOT NULL DEFAULT 0,
  uncosted_cents bigint NOT NULL DEFAULT 0,
  tender_cents bigint NOT NULL DEFAULT 0,
  tender_refund_cents bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (business_id, business_day, store_id, till_id, cashier_id, tender)
);

-- Per business day, store and product: quantities (in the product's unit) and money, net of
-- refunds and voids.
CREATE TABLE product_rollup_daily (
  business_id uuid NOT NULL REFERENCES businesses (id),
  business_day date NOT NULL,
  store_id uuid NOT NULL,
  product_id uuid NOT NULL,
  quantity bigint NOT NULL DEFAULT 0,
  net_cents bigint NOT NULL DEFAULT 0,
  vat_cents bigint NOT NULL DEFAULT 0,
  cost_cents bigint NOT NULL DEFAULT 0,
  costed_ex_vat_cents bigint NOT NULL DEFAULT 0,
  uncosted_cents bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (business_id, business_day, store_id, product_id)
);
CREATE INDEX product_rollup_daily_product ON product_rollup_daily (business_id, product_id, business_day);

-- Which applied events the rollups have folded. A server of the previous release stores events
-- without this column (false), and so do the events applied before this migration; the server
-- folds them on start. A watermark per till would miss an event applied below it later
-- (quarantine replay), so the mark is per event, and only the rows still to fold are indexed.
ALTER TABLE till_events ADD COLUMN rolled_up boolean NOT NULL DEFAULT false;
CREATE INDEX till_events_to_roll_up ON till_events (business_id, till_id, seq) WHERE status = 'applied' AND NOT rolled_up;

-- A sale's own time and the events behind it. `occurred_at` and `event_id` already name the
-- event that last changed the sale (a void overwrites them); these keep when it was sold (its
-- completion, or its parking while never completed) and which events parked and completed it.
ALTER TABLE sales ADD COLUMN sold_at timestamptz;
ALTER TABLE sales ADD COLUMN completed_event_id uuid;
ALTER TABLE sales ADD COLUMN parked_event_id uuid;
CREATE INDEX sales_sold ON sales (business_id, sold_at DESC, sale_id DESC);
CREATE INDEX sales_receipt ON sales (business_id, receipt_no) WHERE receipt_no IS NOT NULL;
CREATE INDEX refunds_sale ON refunds (business_id, sale_id);

-- A sale's detail lists the audit entries about its events (the entry's subject is the event id).
CREATE INDEX audit_log_subject ON audit_log (business_id, subject) WHERE subject IS NOT NULL;

-- Till health: last push and pull, what the till reports about itself, its feed cursor, and
-- retirement (a retired till's device token no longer works).
ALTER TABLE tills ADD COLUMN last_push_at timestamptz;
ALTER TABLE tills ADD COLUMN last_pull_at timestamptz;
ALTER TABLE tills ADD COLUMN outbox_depth bigint CHECK (outbox_depth IS NULL OR outbox_depth >= 0);
ALTER TABLE tills ADD COLUMN outbox_reported_at timestamptz;
ALTER TABLE tills ADD COLUMN app_version text;
ALTER TABLE tills ADD COLUMN feed_seq bigint;
ALTER TABLE tills ADD COLUMN retired_at timestamptz;
ALTER TABLE tills ADD COLUMN retired_by uuid;
ALTER TABLE tills ADD COLUMN retired_reason text;

-- At or below this on hand, a product is low on stock (in the product's unit).
ALTER TABLE products ADD COLUMN reorder_level bigint CHECK (reorder_level IS NULL OR reorder_level >= 0);

-- The owner (or a manager) acknowledges an anomaly: it stays, marked seen.
ALTER TABLE anomalies ADD COLUMN acknowledged_at timestamptz;
ALTER TABLE anomalies ADD COLUMN acknowledged_by uuid;
ALTER TABLE anomalies ADD COLUMN note text;
CREATE INDEX anomalies_open ON anomalies (business_id, detected_at) WHERE acknowledged_at IS NULL;

-- Enrollment codes get an id the owner can name (the code itself is kept only hashed) and can be
-- revoked before use.
ALTER TABLE enrollment_codes ADD COLUMN code_id uuid;
ALTER TABLE enrollment_codes ADD COLUMN revoked_at timestamptz;
ALTER TABLE enrollment_codes ADD COLUMN revoked_by uuid;
UPDATE enrollment_codes SET code_id = gen_random_uuid() WHERE code_id IS NULL;
-- expand-exception: over code_id, new in this file and filled above; N−1 never writes code_id, and NULLs never collide.
CREATE UNIQUE INDEX enrollment_codes_id ON enrollment_codes (business_id, code_id);

-- The latest audit verification per business (an alarm when it failed).
CREATE TABLE audit_last_verification (
  business_id uuid PRIMARY KEY REFERENCES businesses (id),
  verified_at timestamptz NOT NULL,
  ok boolean NOT NULL,
  first_broken_seq bigint,
  message text
);

-- Movement history of one product at one store, newest first; it covers what the old
-- (business, store, product) index served.
CREATE INDEX stock_movements_history ON stock_movements (business_id, store_id, product_id, occurred_at DESC);
-- expand-exception: a non-unique index whose leading columns the new stock_movements_history index above covers; only plans change.
DROP INDEX stock_movements_product;

-- The M-Pesa reconciliation reads one business day of each.
CREATE INDEX payments_created ON payments (business_id, created_at);
CREATE INDEX mpesa_c2b_received ON mpesa_c2b_transactions (business_id, received_at);
CREATE INDEX mpesa_claims_occurred ON mpesa_claims (business_id, occurred_at);
CREATE INDEX shifts_opened ON shifts (business_id, opened_at DESC);
