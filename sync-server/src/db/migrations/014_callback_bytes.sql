-- 014: every M-Pesa callback is stored as the bytes that arrived (issue 12, DESIGN §7 "stored raw
-- first"): body_bytes takes any byte sequence, so no body (a NUL, invalid UTF-8, an encoded lone
-- surrogate) can make the acknowledging INSERT fail and an acknowledged callback vanish.
-- The text column stays beside it (expand-only, DESIGN §13): this release writes it too whenever
-- the bytes are text PostgreSQL can hold, so release N−1 still reads and processes those rows.
ALTER TABLE mpesa_callbacks ADD COLUMN body_bytes bytea;

-- expand-exception: only relaxes; release N−1 always writes body, and reads NULL only on a body this release could not keep as text, which N−1's processor quarantines as unreadable, as this release does too.
ALTER TABLE mpesa_callbacks ALTER COLUMN body DROP NOT NULL;
