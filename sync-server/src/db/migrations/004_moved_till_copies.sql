-- 004: a fenced clone that re-enrolls as a new till (DESIGN §5 "Diverged history") re-sends its
-- unacknowledged events under the new till id with their original event ids. Some of them the
-- business may already hold from the other till (events both disks had before the clone, or a
-- push whose answer was lost). Such an event takes its seq on the new till's chain, so the chain
-- and later pushes continue, but it is stored as a 'duplicate' copy and applied nowhere: the
-- event id stays unique among the rows that count (applied or quarantined).
ALTER TABLE till_events DROP CONSTRAINT till_events_status_check;
ALTER TABLE till_events ADD CONSTRAINT till_events_status_check CHECK (status IN ('applied', 'quarantined', 'duplicate'));
ALTER TABLE till_events ADD COLUMN duplicate_of_till uuid;
ALTER TABLE till_events ADD CONSTRAINT till_events_duplicate_names_till CHECK ((status = 'duplicate') = (duplicate_of_till IS NOT NULL));
DROP INDEX till_events_event_id;
CREATE UNIQUE INDEX till_events_event_id ON till_events (business_id, event_id) WHERE status <> 'duplicate';
