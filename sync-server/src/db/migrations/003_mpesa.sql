-- 003: M-Pesa (DESIGN §7): per-business Daraja credentials (sealed), payments with their state
-- history, raw callbacks (stored before anything reads them), C2B transactions, the owner's
-- unmatched queue, and the job queue for deadline queries, Transaction Status and reversals.
-- Times come from the server's injected clock as parameters.

-- One Daraja account per business. Everything secret (consumer key and secret, passkey,
-- initiator name and security credential, the callback path secret) sits in `secrets_sealed`
-- (AES-256-GCM, `pmc1.<key id>...`, bound to the business); only a hash of the path secret is
-- kept in clear, to find the business a callback belongs to.
CREATE TABLE mpesa_credentials (
  business_id uuid PRIMARY KEY REFERENCES businesses (id),
  base_url text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('till', 'paybill')),
  -- The store number (Buy Goods) or the paybill: the code the passkey belongs to.
  business_shortcode text NOT NULL,
  till_number text,
  -- The public https address Daraja calls back on (the TLS proxy in front of this server).
  callback_base_url text NOT NULL,
  callback_secret_hash text NOT NULL UNIQUE,
  -- Per-business setting of DESIGN §7: credit a success callback without an STK Query.
  trust_callbacks boolean NOT NULL DEFAULT false,
  secrets_sealed text NOT NULL,
  key_id text NOT NULL,
  time_zone text NOT NULL DEFAULT 'Africa/Nairobi',
  updated_at timestamptz NOT NULL,
  CHECK (kind = 'paybill' OR till_number IS NOT NULL)
);
CREATE INDEX mpesa_credentials_key ON mpesa_credentials (key_id);

CREATE TABLE payments (
  business_id uuid NOT NULL REFERENCES businesses (id),
  payment_id uuid NOT NULL,
  -- Hash of the initiating request: the same Idempotency-Key with another body is refused.
  request_hash text NOT NULL,
  till_id uuid,
  staff_id uuid,
  sale_id uuid,
  phone text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0 AND amount_cents % 100 = 0),
  state text NOT NULL CHECK (state IN ('created', 'requested', 'succeeded', 'failed', 'cancelled', 'expired', 'unknown', 'reversed')),
  result_code integer,
  cashier_message text,
  merchant_request_id text,
  checkout_request_id text,
  mpesa_receipt text,
  -- A success confirmed by query whose receipt number is still to come (Transaction Status).
  receipt_pending boolean NOT NULL DEFAULT false,
  -- The sale this payment paid (one payment pays at most one sale).
  settled_sale_id uuid,
  deadline_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, payment_id)
);
-- CheckoutRequestIDs are unique across Daraja, so a callback finds its payment without a business.
CREATE UNIQUE INDEX payments_checkout ON payments (checkout_request_id) WHERE checkout_request_id IS NOT NULL;
CREATE UNIQUE INDEX payments_receipt ON payments (business_id, mpesa_receipt) WHERE mpesa_receipt IS NOT NULL;

CREATE TABLE payment_history (
  business_id uuid NOT NULL,
  payment_id uuid NOT NULL,
  step integer NOT NULL CHECK (step >= 1),
  from_state text,
  to_state text NOT NULL,
  reason text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (business_id, payment_id, step),
  FOREIGN KEY (business_id, payment_id) REFERENCES payments (business_id, payment_id)
);

-- Every callback as it arrived, written before it is read: the unprocessed rows are the work
-- queue the processor drains (FOR UPDATE SKIP LOCKED), so a crash after the answer loses nothing.
CREATE TABLE mpesa_callbacks (
  business_id uuid NOT NULL REFERENCES businesses (id),
  callback_id uuid NOT NULL,
  route text NOT NULL CHECK (route IN ('stk', 'c2b_validation', 'c2b_confirmation', 'result', 'timeout')),
  body text NOT NULL,
  source_ip text,
  received_at timestamptz NOT NULL,
  processed_at timestamptz,
  -- credited, duplicate, quarantined, recorded, ignored…
  outcome text,
  reason text,
  subject text,
  PRIMARY KEY (business_id, callback_id)
);
CREATE INDEX mpesa_callbacks_pending ON mpesa_callbacks (received_at) WHERE processed_at IS NULL;
CREATE INDEX mpesa_callbacks_subject ON mpesa_callbacks (business_id, subject) WHERE subject IS NOT NULL;

-- C2B payments as Daraja confirmed them, matched to a sale by a typed code or by amount.
CREATE TABLE mpesa_c2b_transactions (
  business_id uuid NOT NULL REFERENCES businesses (id),
  trans_id text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  msisdn text NOT NULL,
  bill_ref text,
  trans_time text NOT NULL,
  shortcode text NOT NULL,
  received_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('unmatched', 'matched', 'ambiguous')),
  claim_id uuid,
  sale_id uuid,
  PRIMARY KEY (business_id, trans_id)
);

-- The owner's queue: money nobody could match, late successes whose sale was settled otherwise,
-- codes typed twice, quarantined callbacks worth a look.
CREATE TABLE mpesa_unmatched (
  business_id uuid NOT NULL REFERENCES businesses (id),
  item_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('c2b_unmatched', 'c2b_ambiguous', 'late_success', 'code_typed_twice', 'payment_reused', 'quarantined_callback')),
  subject text NOT NULL,
  amount_cents bigint,
  details jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolution text,
  PRIMARY KEY (business_id, item_id)
);
CREATE UNIQUE INDEX mpesa_unmatched_once ON mpesa_unmatched (business_id, kind, subject);

-- Jobs that talk to Daraja: claimed with a lease (FOR UPDATE SKIP LOCKED, then locked_until) so
-- no transaction stays open across a network call, and retried with backoff.
CREATE TABLE mpesa_jobs (
  business_id uuid NOT NULL REFERENCES businesses (id),
  job_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('stk_confirm', 'stk_deadline', 'receipt_lookup', 'reversal')),
  subject text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  run_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_error text,
  done_at timestamptz,
  PRIMARY KEY (business_id, job_id)
);
CREATE INDEX mpesa_jobs_due ON mpesa_jobs (run_at) WHERE done_at IS NULL;
CREATE UNIQUE INDEX mpesa_jobs_open ON mpesa_jobs (business_id, kind, subject) WHERE done_at IS NULL;

-- Transaction Status and Reversal answer later on the result URL: this links the answer back.
CREATE TABLE mpesa_async_requests (
  business_id uuid NOT NULL REFERENCES businesses (id),
  originator_conversation_id text NOT NULL,
  conversation_id text,
  kind text NOT NULL CHECK (kind IN ('receipt_lookup', 'reversal')),
  subject text NOT NULL,
  created_at timestamptz NOT NULL,
  answered_at timestamptz,
  PRIMARY KEY (business_id, originator_conversation_id)
);
CREATE UNIQUE INDEX mpesa_async_conversation ON mpesa_async_requests (conversation_id) WHERE conversation_id IS NOT NULL;

CREATE TABLE mpesa_reversals (
  business_id uuid NOT NULL REFERENCES businesses (id),
  reversal_id uuid NOT NULL,
  payment_id uuid,
  mpesa_receipt text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  status text NOT NULL CHECK (status IN ('requested', 'sent', 'succeeded', 'failed')),
  result_code text,
  result_desc text,
  reversal_receipt text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, reversal_id)
);
CREATE UNIQUE INDEX mpesa_reversals_receipt ON mpesa_reversals (business_id, mpesa_receipt) WHERE status IN ('requested', 'sent', 'succeeded');
