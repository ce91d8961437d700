-- 013: every business-owned table's keys lead with business_id, so Citus could distribute the
-- tables by it unchanged (DESIGN §6, §13; issue 16). test/citus-keys.test.ts reads the catalog.
--
-- Expand then contract a release later (DESIGN §13): this migration only adds, or relaxes as 012
-- did; release N−1 runs on it unchanged. The global lookups that find a business from a secret
-- (a device token, a callback path secret) move to lookup tables of their own, kept in step by
-- triggers whichever release writes the row, and the new release reads them. A release later,
-- once no N−1 server is left, the contracting migration drops what the lookups replaced:
--   tills.device_token_hash (its UNIQUE), mpesa_credentials.callback_secret_hash (its UNIQUE),
--   payments_checkout and mpesa_async_conversation (the global unique indexes),
-- and the triggers below, the writers then writing the lookup tables themselves.

-- Tills: the primary key becomes (business_id, id), as 012 did for stores, staff, products and
-- customers. Till ids are server-chosen UUIDs and no foreign key names tills (id) alone, so this
-- relaxes a constraint; the key keeps its name.
-- expand-exception: the key (id) becomes (business_id, id), which allows more rows; it keeps its name, and N−1 names no key in ON CONFLICT.
ALTER TABLE tills DROP CONSTRAINT tills_pkey, ADD CONSTRAINT tills_pkey PRIMARY KEY (business_id, id);

-- Device tokens: a global lookup (a push names no business before its token is read); a Citus
-- reference table. One row per till.
CREATE TABLE device_tokens (
  token_hash text PRIMARY KEY,
  business_id uuid NOT NULL,
  till_id uuid NOT NULL
);
INSERT INTO device_tokens (token_hash, business_id, till_id) SELECT device_token_hash, business_id, id FROM tills;

CREATE FUNCTION payme_device_tokens_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.device_token_hash IS DISTINCT FROM NEW.device_token_hash THEN
    DELETE FROM device_tokens WHERE token_hash = OLD.device_token_hash;
  END IF;
  INSERT INTO device_tokens (token_hash, business_id, till_id) VALUES (NEW.device_token_hash, NEW.business_id, NEW.id)
    ON CONFLICT (token_hash) DO UPDATE SET business_id = EXCLUDED.business_id, till_id = EXCLUDED.till_id;
  RETURN NULL;
END $$;
CREATE TRIGGER tills_device_token_follows AFTER INSERT OR UPDATE OF device_token_hash ON tills
  FOR EACH ROW EXECUTE FUNCTION payme_device_tokens_follow();

-- Callback path secrets: a global lookup (Daraja's callback names the business only through the
-- secret in its path); a Citus reference table. One row per business with an M-Pesa account.
CREATE TABLE callback_secrets (
  secret_hash text PRIMARY KEY,
  business_id uuid NOT NULL
);
INSERT INTO callback_secrets (secret_hash, business_id) SELECT callback_secret_hash, business_id FROM mpesa_credentials;

CREATE FUNCTION payme_callback_secrets_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.callback_secret_hash IS DISTINCT FROM NEW.callback_secret_hash THEN
    DELETE FROM callback_secrets WHERE secret_hash = OLD.callback_secret_hash;
  END IF;
  INSERT INTO callback_secrets (secret_hash, business_id) VALUES (NEW.callback_secret_hash, NEW.business_id)
    ON CONFLICT (secret_hash) DO UPDATE SET business_id = EXCLUDED.business_id;
  RETURN NULL;
END $$;
CREATE TRIGGER mpesa_credentials_secret_follows AFTER INSERT OR UPDATE OF callback_secret_hash ON mpesa_credentials
  FOR EACH ROW EXECUTE FUNCTION payme_callback_secrets_follow();

CREATE FUNCTION payme_callback_secrets_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM callback_secrets WHERE secret_hash = OLD.callback_secret_hash;
  RETURN NULL;
END $$;
CREATE TRIGGER mpesa_credentials_secret_forgotten AFTER DELETE ON mpesa_credentials
  FOR EACH ROW EXECUTE FUNCTION payme_callback_secrets_forget();

-- Checkout and conversation ids are looked up within their business already (payments.ts,
-- result-callback.ts); these are the business-leading keys the global ones give way to.
-- expand-exception: implied by the global payments_checkout, which stays until the contract: no row N−1 may write breaks it.
CREATE UNIQUE INDEX payments_checkout_per_business ON payments (business_id, checkout_request_id) WHERE checkout_request_id IS NOT NULL;
-- expand-exception: implied by the global mpesa_async_conversation, which stays until the contract: no row N−1 may write breaks it.
CREATE UNIQUE INDEX mpesa_async_conversation_per_business ON mpesa_async_requests (business_id, conversation_id) WHERE conversation_id IS NOT NULL;
