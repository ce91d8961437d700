-- 002: what tills push (DESIGN §5) and what the server projects from it: the stored event chain
-- per till, quarantine, sales, stock, credit, shifts, M-Pesa claims and reversal requests, and
-- the anomalies kept for the owner. Every table carries business_id; times are the server's
-- injected clock (received_at) or the till's clock as data (occurred_at).

-- Every event a till pushed, applied or quarantined, exactly as it was hashed. The primary key is
-- the producer's (till, seq); event ids are unique per business so a replayed id is caught.
CREATE TABLE till_events (
  business_id uuid NOT NULL,
  till_id uuid NOT NULL,
  seq bigint NOT NULL CHECK (seq >= 1),
  event_id uuid NOT NULL,
  -- As sent: a quarantined event may carry a type or version the server does not know (yet).
  type text NOT NULL,
  v integer,
  epoch integer NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('applied', 'quarantined')),
  envelope jsonb,
  -- An envelope jsonb cannot hold (a NUL character in a string) is kept as its JSON text instead,
  -- quarantined: nothing a till sends is dropped without a trace.
  envelope_text text,
  received_at timestamptz NOT NULL,
  CHECK ((envelope IS NULL) <> (envelope_text IS NULL)),
  PRIMARY KEY (business_id, till_id, seq)
);
CREATE UNIQUE INDEX till_events_event_id ON till_events (business_id, event_id);

-- Events that failed their schema or named another business, store or till. The raw envelope
-- stays in till_events; this row says why and whether a later replay applied it.
CREATE TABLE quarantined_events (
  business_id uuid NOT NULL REFERENCES businesses (id),
  till_id uuid NOT NULL,
  seq bigint NOT NULL,
  event_id uuid NOT NULL,
  reason_code text NOT NULL,
  reason text NOT NULL,
  field text,
  received_at timestamptz NOT NULL,
  replayed_at timestamptz,
  PRIMARY KEY (business_id, till_id, seq),
  FOREIGN KEY (business_id, till_id, seq) REFERENCES till_events (business_id, till_id, seq)
);
CREATE INDEX quarantined_events_open ON quarantined_events (business_id, received_at) WHERE replayed_at IS NULL;

CREATE TABLE sales (
  business_id uuid NOT NULL,
  sale_id uuid NOT NULL,
  store_id uuid NOT NULL,
  till_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('parked', 'completed', 'voided', 'abandoned')),
  receipt_no text,
  shift_id uuid,
  customer_id uuid,
  cashier_id uuid NOT NULL,
  payment_id uuid,
  subtotal_cents bigint NOT NULL DEFAULT 0,
  discount_cents bigint NOT NULL DEFAULT 0,
  vat_cents bigint NOT NULL DEFAULT 0,
  rounding_cents bigint NOT NULL DEFAULT 0,
  total_cents bigint NOT NULL CHECK (total_cents >= 0),
  -- The part of the total put on the customer's credit account (a void gives it back).
  credit_cents bigint NOT NULL DEFAULT 0 CHECK (credit_cents >= 0),
  close_reason text,
  -- The event that last changed the sale, the till's time of it and when the server got it.
  event_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, sale_id)
);
CREATE INDEX sales_received ON sales (business_id, received_at);

CREATE TABLE sale_lines (
  business_id uuid NOT NULL,
  sale_id uuid NOT NULL,
  line_no integer NOT NULL,
  line_id uuid NOT NULL,
  product_id uuid NOT NULL,
  name text NOT NULL,
  unit text NOT NULL,
  quantity bigint NOT NULL CHECK (quantity > 0),
  unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
  discount_cents bigint NOT NULL CHECK (discount_cents >= 0),
  gross_cents bigint NOT NULL CHECK (gross_cents >= 0),
  vat_class text NOT NULL,
  vat_cents bigint NOT NULL,
  net_cents bigint NOT NULL,
  PRIMARY KEY (business_id, sale_id, line_no)
);

CREATE TABLE tenders (
  business_id uuid NOT NULL,
  sale_id uuid NOT NULL,
  tender_no integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('cash', 'mpesa', 'credit')),
  amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
  payment_id uuid,
  mpesa_receipt text,
  claim_code text,
  PRIMARY KEY (business_id, sale_id, tender_no)
);
CREATE INDEX tenders_payment ON tenders (business_id, payment_id) WHERE payment_id IS NOT NULL;

CREATE TABLE refunds (
  business_id uuid NOT NULL REFERENCES businesses (id),
  refund_id uuid NOT NULL,
  sale_id uuid NOT NULL,
  till_id uuid NOT NULL,
  total_cents bigint NOT NULL CHECK (total_cents >= 0),
  lines jsonb NOT NULL,
  tenders jsonb NOT NULL,
  reason text NOT NULL,
  actor_id uuid NOT NULL,
  approver_id uuid,
  event_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, refund_id)
);

-- Stock is a ledger of signed movements; stock_levels is its per-store sum, kept in the same
-- transaction. A level may go below zero: shops oversell across tills (an anomaly, not an error).
CREATE TABLE stock_movements (
  business_id uuid NOT NULL,
  event_id uuid NOT NULL,
  line_no integer NOT NULL,
  store_id uuid NOT NULL,
  product_id uuid NOT NULL,
  delta bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('sale', 'void', 'refund', 'receive', 'adjust', 'count')),
  ref_id uuid NOT NULL,
  till_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, event_id, line_no)
);
CREATE INDEX stock_movements_product ON stock_movements (business_id, store_id, product_id);

CREATE TABLE stock_levels (
  business_id uuid NOT NULL REFERENCES businesses (id),
  store_id uuid NOT NULL,
  product_id uuid NOT NULL,
  on_hand bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, store_id, product_id)
);

-- Customer credit ("deni") is a ledger of signed entries: positive means the customer owes more.
CREATE TABLE credit_entries (
  business_id uuid NOT NULL,
  event_id uuid NOT NULL,
  entry_no integer NOT NULL,
  customer_id uuid NOT NULL,
  delta_cents bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('sale', 'void', 'refund', 'payment', 'adjust')),
  ref_id uuid NOT NULL,
  reason text,
  till_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, event_id, entry_no)
);
CREATE INDEX credit_entries_customer ON credit_entries (business_id, customer_id);

CREATE TABLE customer_balances (
  business_id uuid NOT NULL REFERENCES businesses (id),
  customer_id uuid NOT NULL,
  balance_cents bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, customer_id),
  FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id)
);

CREATE TABLE shifts (
  business_id uuid NOT NULL REFERENCES businesses (id),
  shift_id uuid NOT NULL,
  store_id uuid NOT NULL,
  till_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'closed')),
  opened_by uuid NOT NULL,
  float_cents bigint NOT NULL CHECK (float_cents >= 0),
  opened_at timestamptz NOT NULL,
  paid_in_cents bigint NOT NULL DEFAULT 0,
  paid_out_cents bigint NOT NULL DEFAULT 0,
  closed_by uuid,
  closed_at timestamptz,
  counted jsonb,
  expected jsonb,
  variance jsonb,
  -- Σ variance over tenders: negative is a shortage.
  variance_cents bigint,
  sales_count bigint,
  refunds_total_cents bigint,
  voids_count bigint,
  PRIMARY KEY (business_id, shift_id)
);

CREATE TABLE shift_cash_movements (
  business_id uuid NOT NULL REFERENCES businesses (id),
  event_id uuid NOT NULL,
  entry_id uuid NOT NULL,
  shift_id uuid NOT NULL,
  direction text NOT NULL CHECK (direction IN ('in', 'out')),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  reason text NOT NULL,
  actor_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, event_id),
  FOREIGN KEY (business_id, shift_id) REFERENCES shifts (business_id, shift_id)
);

CREATE TABLE mpesa_claims (
  business_id uuid NOT NULL REFERENCES businesses (id),
  claim_id uuid NOT NULL,
  sale_id uuid,
  code text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  phone text,
  till_id uuid NOT NULL,
  event_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, claim_id)
);
CREATE INDEX mpesa_claims_code ON mpesa_claims (business_id, code);

-- Partial or offline refunds of M-Pesa sales that the server carries out when online (DESIGN §7).
CREATE TABLE reversal_requests (
  business_id uuid NOT NULL REFERENCES businesses (id),
  reversal_id uuid NOT NULL,
  sale_id uuid NOT NULL,
  refund_id uuid,
  payment_id uuid,
  mpesa_receipt text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  status text NOT NULL DEFAULT 'requested',
  till_id uuid NOT NULL,
  event_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, reversal_id)
);

-- Facts from the shop that broke a rule the server would have enforced online: applied, and
-- kept here for the owner (oversold stock, credit over limit, unknown product, stale price…).
CREATE TABLE anomalies (
  business_id uuid NOT NULL,
  event_id uuid NOT NULL,
  anomaly_no integer NOT NULL,
  kind text NOT NULL,
  till_id uuid NOT NULL,
  subject text NOT NULL,
  details jsonb NOT NULL,
  detected_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, event_id, anomaly_no)
);
CREATE INDEX anomalies_recent ON anomalies (business_id, detected_at);

-- Which transaction wrote each feed change, so a pull never splits one push's changes across two
-- responses (a till's acked_seq and the stock levels it covers must arrive together, DESIGN §4).
ALTER TABLE feed_changes ADD COLUMN tx_id xid8 NOT NULL DEFAULT pg_current_xact_id();
-- Pull reports a till's acked_seq as of its cursor: the last till_state change at or before it.
CREATE INDEX feed_changes_entity ON feed_changes (business_id, kind, entity_id, change_seq);
