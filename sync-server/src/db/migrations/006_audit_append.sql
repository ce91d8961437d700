-- 006: one round trip for the part of a push that every other push of the business waits for.
-- Pushes of one business queue on the rows they share: the stock levels of the products they sell
-- and the business row (audit and feed sequences). Taking those locks, reading the previous audit
-- hash, chaining and inserting the entries, the feed changes and the anomalies used to cost six
-- round trips under the locks, each also waiting for the server's event loop; these functions
-- do it in one call.
--
-- The chain rule is unchanged (DESIGN §5: hash = SHA-256 of the RFC 8785 JSON of the entry
-- without its hash). The caller sends, per entry, the canonical JSON around the two fields only
-- known under the lock, prev_hash and seq, which sort next to each other:
--   pre  = '{"actor":…,"business_id":…,"data":…,"kind":…,"occurred_at":…,"prev_hash":"'
--   post = ',"subject":…}'
-- so the hashed text is pre || prev_hash || '","seq":' || seq || post, byte for byte what
-- recordHash hashes (src/ingest/audit-batch.test.ts checks the result with verifyAudit).

-- Appends p_entries [{n, pre, post, kind, actor, subject, data, occurred_at}] to the audit chain
-- and p_changes [{kind, entity_id, data}] to the feed, under the business row's lock.
CREATE FUNCTION payme_append_chained(p_business uuid, p_entries json, p_changes json, p_changed_at timestamptz)
RETURNS TABLE (last_audit_seq bigint, last_audit_hash text, last_feed_seq bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  entry_count integer := json_array_length(p_entries);
  change_count integer := json_array_length(p_changes);
  audit_base bigint;
  feed_base bigint;
  prev text;
  pres text[];
  posts text[];
  kinds text[];
  actors text[];
  subjects text[];
  datas jsonb[];
  occurred text[];
  prevs text[] := '{}';
  hashes text[] := '{}';
BEGIN
  UPDATE businesses b SET audit_seq = b.audit_seq + entry_count, feed_seq = b.feed_seq + change_count
   WHERE b.id = p_business
   RETURNING b.audit_seq - entry_count, b.feed_seq - change_count INTO audit_base, feed_base;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'payme_append_chained: no business %', p_business;
  END IF;
  -- Each statement of a volatile function takes a new snapshot, so this read, made after the
  -- lock was granted, sees the entries of the push that held the lock before.
  IF audit_base = 0 THEN
    prev := repeat('0', 64);
  ELSE
    SELECT a.hash INTO prev FROM audit_log a WHERE a.business_id = p_business AND a.seq = audit_base;
    IF prev IS NULL THEN
      RAISE EXCEPTION 'payme_append_chained: audit entry % of % is missing', audit_base, p_business;
    END IF;
  END IF;
  IF entry_count > 0 THEN
    SELECT array_agg(x.pre ORDER BY x.n), array_agg(x.post ORDER BY x.n), array_agg(x.kind ORDER BY x.n),
           array_agg(x.actor ORDER BY x.n), array_agg(x.subject ORDER BY x.n),
           array_agg(COALESCE(x.data::jsonb, 'null'::jsonb) ORDER BY x.n), array_agg(x.occurred_at ORDER BY x.n)
      INTO pres, posts, kinds, actors, subjects, datas, occurred
      FROM json_to_recordset(p_entries) AS x(n integer, pre text, post text, kind text, actor text, subject text, data json, occurred_at text);
    FOR i IN 1 .. entry_count LOOP
      prevs := array_append(prevs, prev);
      prev := encode(sha256(convert_to(pres[i] || prev || '","seq":' || (audit_base + i)::text || posts[i], 'UTF8')), 'hex');
      hashes := array_append(hashes, prev);
    END LOOP;
    INSERT INTO audit_log (business_id, seq, kind, actor, subject, data, occurred_at, prev_hash, hash)
    SELECT p_business, audit_base + u.n, u.kind, u.actor, u.subject, u.data, u.occurred_at, u.prev_hash, u.hash
      FROM unnest(kinds, actors, subjects, datas, occurred, prevs, hashes) WITH ORDINALITY
           AS u(kind, actor, subject, data, occurred_at, prev_hash, hash, n);
  END IF;
  IF change_count > 0 THEN
    INSERT INTO feed_changes (business_id, change_seq, kind, entity_id, data, created_at)
    SELECT p_business, feed_base + c.ord, c.value->>'kind', c.value->>'entity_id', COALESCE((c.value->'data')::jsonb, 'null'::jsonb), p_changed_at
      FROM json_array_elements(p_changes) WITH ORDINALITY AS c(value, ord);
  END IF;
  RETURN QUERY SELECT audit_base + entry_count, prev, feed_base + change_count;
END
$$;

-- The end of a push that moved stock but no credit: adds p_deltas [{product_id, delta}] (sorted
-- by product: the lock order of every writer) to the store's levels, flags the oversold sales
-- among p_oversold (the push's sales with the running level change through each sale, `cum`:
-- the level after the sale is the level before the push plus cum; stock-anomalies.ts), inserts
-- p_anomalies, then appends the audit entries and the feed changes: p_changes_before, one
-- stock_level change per level written, p_changes_after.
CREATE FUNCTION payme_push_tail(p_business uuid, p_store uuid, p_at timestamptz, p_deltas json, p_oversold json, p_anomalies json,
                                p_entries json, p_changes_before json, p_changes_after json)
RETURNS TABLE (last_audit_seq bigint, last_audit_hash text, last_feed_seq bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  levels json;
  changes json;
BEGIN
  WITH written AS (
    INSERT INTO stock_levels AS s (business_id, store_id, product_id, on_hand, updated_at)
    SELECT p_business, p_store, x.product_id, x.delta, p_at FROM json_to_recordset(p_deltas) AS x(product_id uuid, delta bigint)
    ON CONFLICT (business_id, store_id, product_id) DO UPDATE SET on_hand = s.on_hand + excluded.on_hand, updated_at = excluded.updated_at
    RETURNING s.product_id, s.on_hand
  )
  SELECT COALESCE(json_agg(json_build_object('product_id', w.product_id, 'on_hand', w.on_hand, 'delta', d.delta) ORDER BY w.product_id), '[]'::json)
    INTO levels
    FROM written w JOIN json_to_recordset(p_deltas) AS d(product_id uuid, delta bigint) ON d.product_id = w.product_id;

  INSERT INTO anomalies (business_id, event_id, anomaly_no, kind, till_id, subject, details, detected_at)
  SELECT p_business, q.event_id, q.base_no + row_number() OVER (PARTITION BY q.event_id ORDER BY q.ord), 'oversold', q.till_id, q.product_id,
         jsonb_build_object('product_id', q.product_id, 'on_hand', q.on_hand, 'approved_by', q.approved_by), p_at
    FROM (SELECT c.event_id, c.product_id, c.till_id, c.base_no, c.ord, c.approved_by, l.on_hand - l.delta + c.cum AS on_hand
            FROM json_to_recordset(p_oversold) AS c(event_id uuid, product_id text, till_id uuid, cum bigint, base_no integer, ord integer, approved_by text)
            JOIN json_to_recordset(levels) AS l(product_id uuid, on_hand bigint, delta bigint) ON l.product_id = c.product_id::uuid) q
   WHERE q.on_hand < 0;

  INSERT INTO anomalies (business_id, event_id, anomaly_no, kind, till_id, subject, details, detected_at)
  SELECT p_business, x.event_id, x.anomaly_no, x.kind, x.till_id, x.subject, x.details, x.detected_at
    FROM json_to_recordset(p_anomalies) AS x(event_id uuid, anomaly_no integer, kind text, till_id uuid, subject text, details jsonb, detected_at timestamptz);

  SELECT COALESCE(json_agg(t.change ORDER BY t.part, t.ord), '[]'::json) INTO changes FROM (
    SELECT 1 AS part, b.ord, b.value AS change FROM json_array_elements(p_changes_before) WITH ORDINALITY AS b(value, ord)
    UNION ALL
    SELECT 2, l.ord, json_build_object('kind', 'stock_level', 'entity_id', p_store::text || ':' || (l.value->>'product_id'),
             'data', json_build_object('store_id', p_store::text, 'product_id', l.value->>'product_id', 'on_hand', (l.value->>'on_hand')::bigint))
      FROM json_array_elements(levels) WITH ORDINALITY AS l(value, ord)
    UNION ALL
    SELECT 3, a.ord, a.value FROM json_array_elements(p_changes_after) WITH ORDINALITY AS a(value, ord)
  ) t;

  RETURN QUERY SELECT * FROM payme_append_chained(p_business, p_entries, changes, p_at);
END
$$;
