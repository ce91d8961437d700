-- 011: product rollups per till, and the rollup writes planned once (issue 13, server-ingest's
-- rollups-on-off scenario). Two tills of one store selling the same products waited on each
-- other's product_rollup_daily rows for the rest of their push; keyed by till too, they never
-- do (pushes of one till are already serialised by its till row), and reports sum over tills.
-- Rollups are derived data: they are emptied here and every applied event is marked unfolded,
-- so the server folds them all again on start (payme-server serve), exactly as after 010.
-- expand-exception: rollups are derived data, folded again from till_events on start; the rollup tables came with 010, which was never released, so no N−1 server writes them.
TRUNCATE sales_rollup_hourly, sales_rollup_daily, product_rollup_daily;
UPDATE till_events SET rolled_up = false WHERE rolled_up;
-- expand-exception: the table was emptied above and came with 010, never released: the previous release never inserts into it.
ALTER TABLE product_rollup_daily ADD COLUMN till_id uuid NOT NULL;
-- expand-exception: replaced at once below by a key with till_id too (wider: it allows more rows); 010 was never released.
ALTER TABLE product_rollup_daily DROP CONSTRAINT product_rollup_daily_pkey;
-- expand-exception: the wider key replacing the one dropped above; 010 was never released.
ALTER TABLE product_rollup_daily ADD PRIMARY KEY (business_id, business_day, store_id, till_id, product_id);

-- Adds rollup delta rows (reports/rollup-write.ts), each JSON array sorted by key. PL/pgSQL so
-- the three upserts are planned once per connection rather than on every push.
CREATE FUNCTION payme_rollups_add(p_business uuid, p_hourly json, p_daily json, p_products json) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF json_array_length(p_hourly) > 0 THEN
    INSERT INTO sales_rollup_hourly AS r (business_id, business_day, hour, store_id, till_id, cashier_id, tender, sale_count, void_count, refund_count, gross_cents, discount_cents, refund_cents, vat_cents, rounding_cents, cost_cents, costed_ex_vat_cents, uncosted_cents, tender_cents, tender_refund_cents)
    SELECT p_business, business_day, hour, store_id, till_id, cashier_id, tender, sale_count, void_count, refund_count, gross_cents, discount_cents, refund_cents, vat_cents, rounding_cents, cost_cents, costed_ex_vat_cents, uncosted_cents, tender_cents, tender_refund_cents
      FROM json_to_recordset(p_hourly) AS x(business_day date, hour smallint, store_id uuid, till_id uuid, cashier_id uuid, tender text, sale_count bigint, void_count bigint, refund_count bigint, gross_cents bigint, discount_cents bigint, refund_cents bigint, vat_cents bigint, rounding_cents bigint, cost_cents bigint, costed_ex_vat_cents bigint, uncosted_cents bigint, tender_cents bigint, tender_refund_cents bigint)
    ON CONFLICT (business_id, business_day, hour, store_id, till_id, cashier_id, tender) DO UPDATE SET
        sale_count = r.sale_count + excluded.sale_count,
        void_count = r.void_count + excluded.void_count,
        refund_count = r.refund_count + excluded.refund_count,
        gross_cents = r.gross_cents + excluded.gross_cents,
        discount_cents = r.discount_cents + excluded.discount_cents,
        refund_cents = r.refund_cents + excluded.refund_cents,
        vat_cents = r.vat_cents + excluded.vat_cents,
        rounding_cents = r.rounding_cents + excluded.rounding_cents,
        cost_cents = r.cost_cents + excluded.cost_cents,
        costed_ex_vat_cents = r.costed_ex_vat_cents + excluded.costed_ex_vat_cents,
        uncosted_cents = r.uncosted_cents + excluded.uncosted_cents,
        tender_cents = r.tender_cents + excluded.tender_cents,
        tender_refund_cents = r.tender_refund_cents + excluded.tender_refund_cents;
  END IF;
  IF json_array_length(p_daily) > 0 THEN
    INSERT INTO sales_rollup_daily AS r (business_id, business_day, store_id, till_id, cashier_id, tender, sale_count, void_count, refund_count, gross_cents, discount_cents, refund_cents, vat_cents, rounding_cents, cost_cents, costed_ex_vat_cents, uncosted_cents, tender_cents, tender_refund_cents)
    SELECT p_business, business_day, store_id, till_id, cashier_id, tender, sale_count, void_count, refund_count, gross_cents, discount_cents, refund_cents, vat_cents, rounding_cents, cost_cents, costed_ex_vat_cents, uncosted_cents, tender_cents, tender_refund_cents
      FROM json_to_recordset(p_daily) AS x(business_day date, store_id uuid, till_id uuid, cashier_id uuid, tender text, sale_count bigint, void_count bigint, refund_count bigint, gross_cents bigint, discount_cents bigint, refund_cents bigint, vat_cents bigint, rounding_cents bigint, cost_cents bigint, costed_ex_vat_cents bigint, uncosted_cents bigint, tender_cents bigint, tender_refund_cents bigint)
    ON CONFLICT (business_id, business_day, store_id, till_id, cashier_id, tender) DO UPDATE SET
        sale_count = r.sale_count + excluded.sale_count,
        void_count = r.void_count + excluded.void_count,
        refund_count = r.refund_count + excluded.refund_count,
        gross_cents = r.gross_cents + excluded.gross_cents,
        discount_cents = r.discount_cents + excluded.discount_cents,
        refund_cents = r.refund_cents + excluded.refund_cents,
        vat_cents = r.vat_cents + excluded.vat_cents,
        rounding_cents = r.rounding_cents + excluded.rounding_cents,
        cost_cents = r.cost_cents + excluded.cost_cents,
        costed_ex_vat_cents = r.costed_ex_vat_cents + excluded.costed_ex_vat_cents,
        uncosted_cents = r.uncosted_cents + excluded.uncosted_cents,
        tender_cents = r.tender_cents + excluded.tender_cents,
        tender_refund_cents = r.tender_refund_cents + excluded.tender_refund_cents;
  END IF;
  IF json_array_length(p_products) > 0 THEN
    INSERT INTO product_rollup_daily AS r (business_id, business_day, store_id, till_id, product_id, quantity, net_cents, vat_cents, cost_cents, costed_ex_vat_cents, uncosted_cents)
    SELECT p_business, business_day, store_id, till_id, product_id, quantity, net_cents, vat_cents, cost_cents, costed_ex_vat_cents, uncosted_cents
      FROM json_to_recordset(p_products) AS x(business_day date, store_id uuid, till_id uuid, product_id uuid, quantity bigint, net_cents bigint, vat_cents bigint, cost_cents bigint, costed_ex_vat_cents bigint, uncosted_cents bigint)
    ON CONFLICT (business_id, business_day, store_id, till_id, product_id) DO UPDATE SET
        quantity = r.quantity + excluded.quantity,
        net_cents = r.net_cents + excluded.net_cents,
        vat_cents = r.vat_cents + excluded.vat_cents,
        cost_cents = r.cost_cents + excluded.cost_cents,
        costed_ex_vat_cents = r.costed_ex_vat_cents + excluded.costed_ex_vat_cents,
        uncosted_cents = r.uncosted_cents + excluded.uncosted_cents;
  END IF;
END
$$;
