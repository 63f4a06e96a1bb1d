-- Reports read a period's person-day facts on every request (15,000 for 500 reps over 30
-- days): parsing them from JSON was most of a report's time. The same facts in a compact
-- binary form (postcard, written by the server beside the JSON, which stays for the BI
-- views and for reading by eye). NULL in rows written before this migration: readers fall
-- back to the JSON until the next refresh or rebuild writes them.
ALTER TABLE report_person_days ADD COLUMN fact_bin BYTEA;
ALTER TABLE report_person_days ADD COLUMN visits_bin BYTEA;
