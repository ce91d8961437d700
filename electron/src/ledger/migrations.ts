/**
 * The till database schema as numbered, append-only migrations (DESIGN §4). `user_version` holds
 * the number of the last one applied; each runs in its own transaction, so a crash mid-migration
 * leaves the previous version intact. Never edit a shipped migration: add the next one.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** 1: identity, journal, idempotency, and the synced tables with their ledgers. */
const ledger_core = `
CREATE TABLE till_identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  till_id TEXT NOT NULL,
  business_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  receipt_prefix TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  server_public_key TEXT NOT NULL
);

-- What the server last told this till. acked_seq: the highest seq it acknowledged (push or pull),
-- which decides what is still to push. feed_acked_seq and cursor come from the same pull response
-- as the server levels, and only they enter the balance formula of DESIGN §4: a push ack alone
-- must not drop the till's own movements before the levels that include them arrive.
-- receipt_next: the next receipt number (gapless per till).
CREATE TABLE sync_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  acked_seq INTEGER NOT NULL DEFAULT 0 CHECK (acked_seq >= 0),
  acked_hash TEXT,
  feed_acked_seq INTEGER NOT NULL DEFAULT 0 CHECK (feed_acked_seq >= 0),
  cursor TEXT,
  receipt_next INTEGER NOT NULL DEFAULT 1 CHECK (receipt_next >= 1)
);
INSERT INTO sync_state (id) VALUES (1);

-- The journal. Rows are never edited except their sync state; never deleted before acked.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  command_id TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  envelope TEXT NOT NULL
);
CREATE TRIGGER outbox_rows_are_never_edited BEFORE UPDATE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are never edited'); END;
CREATE TRIGGER outbox_unacked_rows_are_never_deleted BEFORE DELETE ON outbox
WHEN old.seq > (SELECT acked_seq FROM sync_state WHERE id = 1)
BEGIN SELECT RAISE(ABORT, 'unacknowledged outbox rows are never deleted'); END;

-- Idempotency: one row per command id with the hash of its input and its first result.
CREATE TABLE commands (
  command_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  input_hash TEXT NOT NULL,
  result TEXT NOT NULL,
  seq INTEGER NOT NULL REFERENCES outbox (seq)
);

CREATE TABLE staff (
  staff_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'cashier')),
  pin_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  -- Counted in the database so a restart does not reset a lockout.
  pin_failures INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER NOT NULL DEFAULT 0
);

-- row_no is an explicit INTEGER PRIMARY KEY so the search index's rowids survive VACUUM.
CREATE TABLE products (
  row_no INTEGER PRIMARY KEY,
  product_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  sku TEXT,
  barcode TEXT,
  unit TEXT NOT NULL CHECK (unit IN ('piece', 'gram', 'millilitre')),
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  vat_class TEXT NOT NULL CHECK (vat_class IN ('standard', 'exempt', 'zero_rated')),
  stock_policy TEXT NOT NULL CHECK (stock_policy IN ('block', 'allow_with_override')),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  server_level INTEGER NOT NULL DEFAULT 0,
  on_hand INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX products_by_barcode ON products (barcode);
CREATE INDEX products_by_sku ON products (sku);

CREATE TABLE stock_movements (
  movement_no INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL REFERENCES outbox (seq),
  product_id TEXT NOT NULL REFERENCES products (product_id),
  delta INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'void', 'receive', 'adjust', 'count'))
);
CREATE INDEX stock_movements_by_product ON stock_movements (product_id, seq);
CREATE INDEX stock_movements_by_seq ON stock_movements (seq);

CREATE TABLE customers (
  customer_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT,
  credit_limit INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
  server_balance INTEGER NOT NULL DEFAULT 0,
  balance INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX customers_by_phone ON customers (phone);

-- Positive: the customer owes more (a credit sale); negative: owes less (a payment).
CREATE TABLE credit_entries (
  entry_no INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL REFERENCES outbox (seq),
  customer_id TEXT NOT NULL REFERENCES customers (customer_id),
  delta INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('sale', 'payment', 'adjustment', 'refund', 'void')),
  ref_id TEXT,
  entry_id TEXT,
  reason TEXT,
  occurred_at TEXT NOT NULL
);
CREATE INDEX credit_entries_by_customer ON credit_entries (customer_id, seq);
CREATE INDEX credit_entries_by_seq ON credit_entries (seq);

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE payments (
  payment_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  amount INTEGER NOT NULL,
  phone TEXT,
  mpesa_receipt TEXT,
  sale_id TEXT,
  result_code INTEGER,
  cashier_message TEXT,
  updated_at TEXT NOT NULL
);
`;

/** 2: sales, parked sales, refunds, shifts and M-Pesa claims. */
const sales_and_shifts = `
CREATE TABLE shifts (
  shift_id TEXT PRIMARY KEY,
  opened_by TEXT NOT NULL,
  opened_seq INTEGER NOT NULL REFERENCES outbox (seq),
  opened_at TEXT NOT NULL,
  float INTEGER NOT NULL,
  closed_seq INTEGER REFERENCES outbox (seq),
  closed_at TEXT,
  z_report TEXT
);
-- At most one open shift per till.
CREATE UNIQUE INDEX shifts_one_open ON shifts ((closed_seq IS NULL)) WHERE closed_seq IS NULL;

CREATE TABLE sales (
  sale_id TEXT PRIMARY KEY,
  receipt_no TEXT NOT NULL UNIQUE,
  seq INTEGER NOT NULL REFERENCES outbox (seq),
  occurred_at TEXT NOT NULL,
  business_date TEXT NOT NULL,
  shift_id TEXT REFERENCES shifts (shift_id),
  customer_id TEXT REFERENCES customers (customer_id),
  actor_id TEXT NOT NULL,
  total INTEGER NOT NULL,
  voided_seq INTEGER REFERENCES outbox (seq),
  payload TEXT NOT NULL
);
CREATE INDEX sales_by_date ON sales (business_date);

CREATE TABLE sale_lines (
  line_id TEXT PRIMARY KEY,
  sale_id TEXT NOT NULL REFERENCES sales (sale_id),
  product_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  gross INTEGER NOT NULL,
  refunded_quantity INTEGER NOT NULL DEFAULT 0,
  refunded_amount INTEGER NOT NULL DEFAULT 0,
  CHECK (refunded_quantity BETWEEN 0 AND quantity),
  CHECK (refunded_amount BETWEEN 0 AND gross)
);
CREATE INDEX sale_lines_by_sale ON sale_lines (sale_id);

-- One payment id pays at most one sale (DESIGN §4).
CREATE TABLE sale_tenders (
  tender_no INTEGER PRIMARY KEY,
  sale_id TEXT NOT NULL REFERENCES sales (sale_id),
  kind TEXT NOT NULL CHECK (kind IN ('cash', 'mpesa', 'credit')),
  amount INTEGER NOT NULL,
  payment_id TEXT UNIQUE,
  mpesa_receipt TEXT
);
CREATE INDEX sale_tenders_by_sale ON sale_tenders (sale_id);

CREATE TABLE refunds (
  refund_id TEXT PRIMARY KEY,
  sale_id TEXT NOT NULL REFERENCES sales (sale_id),
  seq INTEGER NOT NULL REFERENCES outbox (seq),
  tender TEXT NOT NULL CHECK (tender IN ('cash', 'credit', 'mpesa_reversal')),
  total INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX refunds_by_sale ON refunds (sale_id);

CREATE TABLE parked_sales (
  sale_id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL UNIQUE,
  parked_seq INTEGER NOT NULL REFERENCES outbox (seq),
  status TEXT NOT NULL CHECK (status IN ('parked', 'completed', 'abandoned')),
  closed_seq INTEGER REFERENCES outbox (seq),
  payload TEXT NOT NULL
);

-- Money through the drawer and the other tenders per shift, for the Z-report.
CREATE TABLE shift_entries (
  entry_no INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL REFERENCES outbox (seq),
  shift_id TEXT NOT NULL REFERENCES shifts (shift_id),
  tender TEXT NOT NULL CHECK (tender IN ('cash', 'mpesa', 'credit')),
  kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'void', 'pay_in', 'pay_out', 'credit_payment')),
  amount INTEGER NOT NULL
);
CREATE INDEX shift_entries_by_shift ON shift_entries (shift_id);

CREATE TABLE mpesa_claims (
  claim_id TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  seq INTEGER NOT NULL REFERENCES outbox (seq),
  amount INTEGER NOT NULL,
  sale_id TEXT
);
CREATE INDEX mpesa_claims_by_code ON mpesa_claims (code);
`;

/** 3: product search. FTS5 over name, SKU and barcode, kept in step by triggers. */
const product_search = `
CREATE VIRTUAL TABLE products_fts USING fts5(
  name, sku, barcode,
  content = 'products', content_rowid = 'row_no',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2 3'
);
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_fts (rowid, name, sku, barcode) VALUES (new.row_no, new.name, new.sku, new.barcode);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, sku, barcode) VALUES ('delete', old.row_no, old.name, old.sku, old.barcode);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF name, sku, barcode ON products BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, sku, barcode) VALUES ('delete', old.row_no, old.name, old.sku, old.barcode);
  INSERT INTO products_fts (rowid, name, sku, barcode) VALUES (new.row_no, new.name, new.sku, new.barcode);
END;
-- Products synced before this migration are indexed now.
INSERT INTO products_fts (products_fts) VALUES ('rebuild');
`;

/**
 * 4: recovery of a diverged history (DESIGN §5). The till's own unacknowledged events are
 * re-appended after the server's head with new seqs; the original rows are kept here, and only a
 * row kept here may leave the outbox before it was acknowledged.
 */
const superseded_events = `
CREATE TABLE outbox_superseded (
  original_seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  envelope TEXT NOT NULL,
  superseded_by_seq INTEGER,
  epoch INTEGER NOT NULL,
  PRIMARY KEY (original_seq, epoch)
);
DROP TRIGGER outbox_unacked_rows_are_never_deleted;
CREATE TRIGGER outbox_unacked_rows_are_never_deleted BEFORE DELETE ON outbox
WHEN old.seq > (SELECT acked_seq FROM sync_state WHERE id = 1)
  AND NOT EXISTS (SELECT 1 FROM outbox_superseded s WHERE s.original_seq = old.seq AND s.event_id = old.event_id AND s.envelope = old.envelope)
BEGIN SELECT RAISE(ABORT, 'unacknowledged outbox rows are never deleted'); END;
`;

/**
 * 5: the events the server quarantined (DESIGN §5 push results). The mark outlives a restart so
 * the till keeps showing them; keyed by seq like the outbox, and renumbered with it by recovery.
 */
const quarantine_marks = `
CREATE TABLE quarantine_marks (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  reason TEXT NOT NULL
);
`;

/**
 * 6: a fenced clone moves to a new till (DESIGN §5) and a forced offline restore sells in a new
 * receipt series. The journal keeps one local seq space: the new till's chain starts after
 * `chain_base` (its seq n is local seq chain_base + n), so every row that names a local seq stays
 * as it is and the balance formula stays exact. `till_chains` lists where each identity's chain
 * began; the moved events' envelopes as the old till signed them are kept in `outbox_moved`.
 */
const moved_tills_and_restores = `
ALTER TABLE sync_state ADD COLUMN chain_base INTEGER NOT NULL DEFAULT 0 CHECK (chain_base >= 0);
-- A restored ledger must recover online before it pushes (or sells, unless forced offline).
ALTER TABLE sync_state ADD COLUMN restored_at TEXT;
-- A forced offline restore's receipt series (prefix and next number) until it has recovered.
ALTER TABLE sync_state ADD COLUMN receipt_series TEXT;
ALTER TABLE sync_state ADD COLUMN receipt_series_next INTEGER NOT NULL DEFAULT 1 CHECK (receipt_series_next >= 1);
CREATE TABLE till_chains (
  base INTEGER PRIMARY KEY CHECK (base >= 0),
  till_id TEXT NOT NULL,
  receipt_prefix TEXT NOT NULL,
  started_at TEXT NOT NULL
);
CREATE TABLE outbox_moved (
  original_seq INTEGER NOT NULL,
  till_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  envelope TEXT NOT NULL,
  PRIMARY KEY (till_id, original_seq)
);
DROP TRIGGER outbox_unacked_rows_are_never_deleted;
CREATE TRIGGER outbox_unacked_rows_are_never_deleted BEFORE DELETE ON outbox
WHEN old.seq > (SELECT acked_seq FROM sync_state WHERE id = 1)
  AND NOT EXISTS (SELECT 1 FROM outbox_superseded s WHERE s.original_seq = old.seq AND s.event_id = old.event_id AND s.envelope = old.envelope)
  AND NOT EXISTS (SELECT 1 FROM outbox_moved m WHERE m.original_seq = old.seq AND m.event_id = old.event_id AND m.envelope = old.envelope)
BEGIN SELECT RAISE(ABORT, 'unacknowledged outbox rows are never deleted'); END;
`;

/**
 * 7: the renderer's barcode index (issue 17) follows the catalogue by change number. Every write
 * to what a product row shows the cashier (the feed's product, price and stock level, this
 * till's own stock movements) takes the next number from `catalog_changes`, so "what changed
 * after n" is one indexed read. Rows already there are numbered by row, in the order they came.
 */
const catalog_change_numbers = `
ALTER TABLE products ADD COLUMN change_no INTEGER NOT NULL DEFAULT 0 CHECK (change_no >= 0);
CREATE TABLE catalog_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  change_no INTEGER NOT NULL CHECK (change_no >= 0)
);
INSERT INTO catalog_changes (id, change_no) SELECT 1, coalesce(max(row_no), 0) FROM products;
UPDATE products SET change_no = row_no;
CREATE INDEX products_by_change ON products (change_no);
CREATE TRIGGER products_change_insert AFTER INSERT ON products BEGIN
  UPDATE catalog_changes SET change_no = change_no + 1 WHERE id = 1;
  UPDATE products SET change_no = (SELECT change_no FROM catalog_changes WHERE id = 1) WHERE row_no = new.row_no;
END;
-- change_no itself is not in the list, so the trigger's own write does not fire it again.
CREATE TRIGGER products_change_update AFTER UPDATE OF name, sku, barcode, unit, unit_price, vat_class, stock_policy, active, on_hand ON products BEGIN
  UPDATE catalog_changes SET change_no = change_no + 1 WHERE id = 1;
  UPDATE products SET change_no = (SELECT change_no FROM catalog_changes WHERE id = 1) WHERE row_no = new.row_no;
END;
`;

/**
 * Version 8: a customer the owner closed (the feed's `active: false`) takes no new credit; and
 * the server's signed audit checkpoints the till has seen (DESIGN §5 Pull), so a server history
 * rewritten after the fact no longer matches one the till holds.
 */
const customer_active_and_checkpoints = `
ALTER TABLE customers ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
CREATE TABLE server_checkpoints (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  hash TEXT NOT NULL,
  signature TEXT NOT NULL,
  key_id TEXT,
  seen_at TEXT NOT NULL
);
`;

export const migrations: readonly Migration[] = [
  { version: 1, name: 'ledger_core', sql: ledger_core },
  { version: 2, name: 'sales_and_shifts', sql: sales_and_shifts },
  { version: 3, name: 'product_search', sql: product_search },
  { version: 4, name: 'superseded_events', sql: superseded_events },
  { version: 5, name: 'quarantine_marks', sql: quarantine_marks },
  { version: 6, name: 'moved_tills_and_restores', sql: moved_tills_and_restores },
  { version: 7, name: 'catalog_change_numbers', sql: catalog_change_numbers },
  { version: 8, name: 'customer_active_and_checkpoints', sql: customer_active_and_checkpoints },
];

export const schema_version_latest = migrations.length;

/** Applies every migration above the database's `user_version`, up to `target`, each atomically. */
export function migrate(db: Database.Database, target = schema_version_latest): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > schema_version_latest) {
    throw new Error(`database schema ${current} is newer than this till (${schema_version_latest}); update the till`);
  }
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
