-- 008: the index the callback processor claims its next callback from now holds the processor's
-- whole order, (received_at, callback_id). With received_at alone, callbacks stored in the same
-- millisecond (one group-committed INSERT, a burst from Daraja) formed one group that every claim
-- read and sorted in full, together with its account row, to return one callback: several
-- milliseconds per claim on PGlite with a few hundred waiting. Now a claim reads one index entry.
-- expand-exception: a non-unique index replaced at once below by a wider one on the same rows; no statement names an index, so N−1 only plans differently.
DROP INDEX mpesa_callbacks_pending;
CREATE INDEX mpesa_callbacks_pending ON mpesa_callbacks (received_at, callback_id) WHERE processed_at IS NULL;
