-- 004: a fenced clone that re-enrolls as a new till (DESIGN §5 "Diverged history") re-sends its
-- unacknowledged events under the new till id with their original event ids. Some of them the
-- business may already hold from the other till (events both disks had before the clone, or a
-- push whose answer was lost). Such an event takes its seq on the new till's chain, so the chain
-- and later pushes continue, but it is stored as a 'duplicate' copy and applied nowhere: the
-- event id stays unique among the rows that count (applied or quarantined).
-- expand-exception: the status check is replaced at once by a wider one (it adds 'duplicate'); every status release N−1 writes still passes.
ALTER TABLE till_events DROP CONSTRAINT till_events_status_check;
-- expand-exception: the wider status check replacing the one dropped above.
ALTER TABLE till_events ADD CONSTRAINT till_events_status_check CHECK (status IN ('applied', 'quarantined', 'duplicate'));
ALTER TABLE till_events ADD COLUMN duplicate_of_till uuid;
-- expand-exception: release N−1 never writes 'duplicate' nor duplicate_of_till (new here), so its rows always pass.
ALTER TABLE till_events ADD CONSTRAINT till_events_duplicate_names_till CHECK ((status = 'duplicate') = (duplicate_of_till IS NOT NULL));
-- expand-exception: replaced at once below by the same unique key, narrowed to rows that are not 'duplicate' (which N−1 never writes).
DROP INDEX till_events_event_id;
-- expand-exception: the unique key dropped above, over the same columns; N−1's rows are all in it, as before.
CREATE UNIQUE INDEX till_events_event_id ON till_events (business_id, event_id) WHERE status <> 'duplicate';
