-- 007: till_events keeps each envelope as json (its text, checked) instead of jsonb.
-- The server reads an envelope back whole (recovery, quarantine replay, the moved-till check) and
-- never indexes or compares inside it, so jsonb's binary form bought nothing on the way out,
-- while building it for every event of every push was the largest single cost of storing a push
-- on PGlite. The `->` and `->>` operators recovery uses work on json alike.
-- expand-exception: jsonb to json keeps every value; N−1 writes the envelope as JSON text and reads it whole or with -> and ->>, which both types take.
ALTER TABLE till_events ALTER COLUMN envelope TYPE json USING envelope::json;
