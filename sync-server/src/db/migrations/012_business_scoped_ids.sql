-- 012: the ids a client chooses (stores, staff, products, customers) are unique within their
-- business only (issue 12). With a key over all businesses, creating a record with an id that
-- another business uses answered 409 already_exists, which told any caller that the id exists
-- elsewhere; now it is created like any new id. Each table already has UNIQUE (business_id, id),
-- which every foreign key names, and every query scopes by business. Expand-only: it relaxes a
-- constraint; the primary key keeps its name, so release N−1 still translates a duplicate
-- within the business as already_exists. Tills and businesses keep server-chosen global ids.
-- expand-exception: the key (id) becomes (business_id, id), which allows more rows; it keeps its name, and N−1 names no key in ON CONFLICT.
ALTER TABLE stores DROP CONSTRAINT stores_pkey, ADD CONSTRAINT stores_pkey PRIMARY KEY (business_id, id);
-- expand-exception: the key (id) becomes (business_id, id), which allows more rows; it keeps its name, and N−1 names no key in ON CONFLICT.
ALTER TABLE staff DROP CONSTRAINT staff_pkey, ADD CONSTRAINT staff_pkey PRIMARY KEY (business_id, id);
-- expand-exception: the key (id) becomes (business_id, id), which allows more rows; it keeps its name, and N−1 names no key in ON CONFLICT.
ALTER TABLE products DROP CONSTRAINT products_pkey, ADD CONSTRAINT products_pkey PRIMARY KEY (business_id, id);
-- expand-exception: the key (id) becomes (business_id, id), which allows more rows; it keeps its name, and N−1 names no key in ON CONFLICT.
ALTER TABLE customers DROP CONSTRAINT customers_pkey, ADD CONSTRAINT customers_pkey PRIMARY KEY (business_id, id);
