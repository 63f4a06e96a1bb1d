-- Reports read a period's person-day facts on every request (15,000 for 500 reps over 30
-- days): parsing them from JSON was most of a report's time. The same facts in a compact
-- binary form (postcard, written by the server). On SQLite, where no view reads the JSON,
-- `fact` and `visit_rows` are left empty beside it (a row then fits a page several times
-- over). NULL in rows written before this migration: readers fall back to the JSON until
-- the next refresh or rebuild writes them.
ALTER TABLE report_person_days ADD COLUMN fact_bin BLOB;
ALTER TABLE report_person_days ADD COLUMN visits_bin BLOB;
