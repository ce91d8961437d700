-- 007: till_events keeps each envelope as json (its text, checked) instead of jsonb.
-- The server reads an envelope back whole (recovery, quarantine replay, the moved-till check) and
-- never indexes or compares inside it, so jsonb's binary form bought nothing on the way out,
-- while building it for every event of every push was the largest single cost of storing a push
-- on PGlite. The `->` and `->>` operators recovery uses work on json alike.
ALTER TABLE till_events ALTER COLUMN envelope TYPE json USING envelope::json;
