-- BI access (issue 15, item 5), PostgreSQL only: a `reporting` schema of stable views over
-- the report facts (migration 0019) for Metabase, Superset or FineBI. Their columns are a
-- contract: later releases add columns and views, never rename or drop one. Each view has
-- `tenant_id`. A read-only role that can read this schema and nothing else is made by
-- `outfield reporting grant --role NAME` (README, "BI access").
--
-- The views live in `reporting` beside the application's `public` schema; an application
-- installed in another schema S (the test suite gives each test its own) gets `S_reporting`,
-- so installations sharing a database never share views. Views run with their owner's
-- rights, so a role granted SELECT on them needs no right on the tables underneath.
-- SQLite has no schemas and no roles: this migration exists for PostgreSQL only.
DO $migration$
DECLARE
    app TEXT := current_schema();
    rep TEXT := CASE WHEN current_schema() = 'public' THEN 'reporting'
                     ELSE current_schema() || '_reporting' END;
BEGIN
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', rep);
    EXECUTE format('COMMENT ON SCHEMA %I IS %L', rep,
        'Outfield report facts for BI tools: stable, read-only views; every view has tenant_id.');

    -- Who and where, without credentials.
    EXECUTE format($v$CREATE VIEW %1$I.tenants AS
        SELECT t.id AS tenant_id, t.slug, t.name, t.timezone
        FROM %2$I.tenants t$v$, rep, app);
    EXECUTE format($v$CREATE VIEW %1$I.departments AS
        SELECT d.tenant_id, d.id AS department_id, d.name, d.parent_id
        FROM %2$I.departments d$v$, rep, app);
    EXECUTE format($v$CREATE VIEW %1$I.employees AS
        SELECT e.tenant_id, e.id AS employee_id, e.name, e.employee_no, e.department_id,
               e.role, e.active
        FROM %2$I.employees e$v$, rep, app);

    -- One row per field rep and local day: `reports::facts::PersonDay`. Durations in
    -- minutes, distances in km, shares as fractions (0.5 = 50 %); NULL where the input was
    -- missing (no track, no attendance rule), never 0.
    EXECUTE format($v$CREATE VIEW %1$I.person_days AS
        SELECT r.tenant_id, r.employee_id, e.name AS employee_name, e.employee_no,
               r.department_id, d.name AS department_name,
               r.day::date AS day, r.day_type,
               r.attendance_status,
               (f.j #>> '{attendance,late_min}')::int AS late_min,
               (f.j #>> '{attendance,early_leave_min}')::int AS early_leave_min,
               (f.j #>> '{attendance,leave_min}')::int AS leave_min,
               (f.j #>> '{attendance,worked_min}')::int AS worked_min,
               r.planned_visits, r.planned_done, r.visits, r.completed_visits,
               (f.j ->> 'within_radius')::int AS within_radius_visits,
               (f.j ->> 'ad_hoc_visits')::int AS ad_hoc_visits,
               (f.j ->> 'prospect_visits')::int AS prospect_visits,
               (f.j ->> 'short_visits')::int AS short_visits,
               jsonb_array_length(COALESCE(f.j -> 'customers', '[]'::jsonb)) AS distinct_customers,
               (f.j ->> 'time_at_customers_s')::double precision / 60 AS time_at_customers_min,
               (f.j ->> 'avg_visit_s')::double precision / 60 AS avg_visit_min,
               (f.j ->> 'work_window_s')::double precision / 60 AS working_day_min,
               (f.j ->> 'travel_s')::double precision / 60 AS travel_min,
               (f.j ->> 'driving_share')::double precision AS driving_share,
               r.work_m / 1000 AS work_km,
               r.total_m / 1000 AS total_km,
               (f.j #>> '{detour,ratio}')::double precision AS detour_ratio,
               (f.j ->> 'coverage')::double precision AS tracking_coverage,
               r.integrity_level,
               to_timestamp(r.computed_ms / 1000.0) AS computed_at
        FROM %2$I.report_person_days r
        CROSS JOIN LATERAL (SELECT r.fact::jsonb AS j) f
        JOIN %2$I.employees e ON e.tenant_id = r.tenant_id AND e.id = r.employee_id
        LEFT JOIN %2$I.departments d ON d.tenant_id = r.tenant_id AND d.id = r.department_id$v$,
        rep, app);

    -- One row per customer and calendar month: `reports::facts::CustomerPeriod`.
    EXECUTE format($v$CREATE VIEW %1$I.customer_months AS
        SELECT m.tenant_id, m.customer_id, c.name AS customer_name, m.month,
               to_date(m.month || '-01', 'YYYY-MM-DD') AS month_start,
               m.owner_id, m.level, m.tags::jsonb AS tags,
               m.visits, m.visitors, m.due_visits, m.due_met,
               CASE WHEN m.due_visits > 0
                    THEN m.due_met::double precision / m.due_visits END AS frequency_compliance,
               m.last_visit::date AS last_visit,
               m.outcome_sum, m.visits_with_outcome,
               to_timestamp(m.computed_ms / 1000.0) AS computed_at
        FROM %2$I.report_customer_months m
        JOIN %2$I.customers c ON c.tenant_id = m.tenant_id AND c.id = m.customer_id$v$,
        rep, app);

    -- The department-period roll-up: person-days summed by the department each day was
    -- spent in (not its subtree: join `departments` on parent_id for that) and by day, ISO
    -- week (from Monday) or month. Ratios are recomputed from the sums.
    EXECUTE format($v$CREATE VIEW %1$I.department_periods AS
        WITH g AS (
            SELECT p.*, x.grain, x.period_start
            FROM %1$I.person_days p
            CROSS JOIN LATERAL (VALUES
                ('day', p.day),
                ('week', date_trunc('week', p.day)::date),
                ('month', date_trunc('month', p.day)::date)) AS x(grain, period_start)
        )
        SELECT g.tenant_id, g.department_id, max(g.department_name) AS department_name,
               g.grain, g.period_start,
               count(DISTINCT g.employee_id) AS people,
               count(*) FILTER (WHERE g.day_type = 'workday') AS workdays,
               count(*) FILTER (WHERE g.attendance_status IN ('present', 'late', 'early_leave')) AS days_present,
               count(*) FILTER (WHERE g.attendance_status = 'absent') AS days_absent,
               count(*) FILTER (WHERE g.attendance_status = 'on_leave') AS days_on_leave,
               sum(g.planned_visits) AS planned_visits,
               sum(g.planned_done) AS planned_done,
               CASE WHEN sum(g.planned_visits) > 0
                    THEN sum(g.planned_done)::double precision / sum(g.planned_visits) END AS plan_compliance,
               sum(g.visits) AS visits,
               sum(g.completed_visits) AS completed_visits,
               sum(g.within_radius_visits) AS within_radius_visits,
               sum(g.time_at_customers_min) AS time_at_customers_min,
               sum(g.travel_min) AS travel_min,
               sum(g.work_km) AS work_km,
               sum(g.total_km) AS total_km,
               count(*) FILTER (WHERE g.integrity_level IN ('review', 'likely_cheat')) AS flagged_days
        FROM g
        GROUP BY g.tenant_id, g.department_id, g.grain, g.period_start$v$,
        rep, app);
END
$migration$;
