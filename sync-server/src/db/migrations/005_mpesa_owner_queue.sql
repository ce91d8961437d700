-- 005: the owner's side of M-Pesa (DESIGN §7): resolving the unmatched queue (who resolved an
-- item, how, and what it was matched to), reconciliation jobs that gave up (an alert in the same
-- queue), and the lookups ingest needs to refuse a payment that pays a second sale.

-- A job that reached its last attempt is stopped and put in front of the owner once.
ALTER TABLE mpesa_jobs ADD COLUMN gave_up_at timestamptz;

-- expand-exception: the kind check is replaced at once by a wider one (new kinds added); every kind N−1 writes still passes.
ALTER TABLE mpesa_unmatched DROP CONSTRAINT mpesa_unmatched_kind_check;
-- expand-exception: the wider kind check replacing the one dropped above.
ALTER TABLE mpesa_unmatched ADD CONSTRAINT mpesa_unmatched_kind_check
  CHECK (kind IN ('c2b_unmatched', 'c2b_ambiguous', 'late_success', 'code_typed_twice', 'payment_reused', 'quarantined_callback', 'job_gave_up'));
ALTER TABLE mpesa_unmatched ADD COLUMN resolved_by uuid;
-- {sale_id?, reason?, reversal_id?}: what the owner decided, besides `resolution` itself.
ALTER TABLE mpesa_unmatched ADD COLUMN resolution_details jsonb;
-- expand-exception: release N−1 had no resolve route and left resolution NULL, which the check allows.
ALTER TABLE mpesa_unmatched ADD CONSTRAINT mpesa_unmatched_resolution_check
  CHECK (resolution IS NULL OR resolution IN ('matched_to_sale', 'refunded_to_customer', 'dismissed'));
CREATE INDEX mpesa_unmatched_open ON mpesa_unmatched (business_id, created_at) WHERE resolved_at IS NULL;

-- One payment pays at most one sale: which sale a payment id or a typed code already paid.
CREATE INDEX sales_payment ON sales (business_id, payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX tenders_claim_code ON tenders (business_id, claim_code) WHERE claim_code IS NOT NULL;
CREATE INDEX tenders_mpesa_receipt ON tenders (business_id, mpesa_receipt) WHERE mpesa_receipt IS NOT NULL;
