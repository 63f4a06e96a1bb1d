//! Keeping the report facts current: one person-day from everything stored for it (the
//! `report_facts` job), the month facts of the customers visited that day, the nightly
//! refresh of yesterday, and the rebuild that recomputes a range from scratch.
//!
//! Every path computes with the same function ([`person_facts`]) from the full inputs and
//! replaces what was stored, so an incremental refresh and a rebuild write the same rows.
//! Facts are kept for active field reps, up to today; a day before the person started with
//! nothing recorded has no fact.

use super::attendance::{CALENDAR, rule_for, start_date};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tracking::schedule_cache::parse_tz;
use chrono::{Datelike, Days, NaiveDate};
use chrono_tz::Tz;
use domain::access::Reach;
use domain::attendance::{
    AttendanceSchedule, Leave, Punch, PunchKind, local_instant, person_record,
};
use domain::attendance::{DayStatus, local_date};
use domain::calendar::{WorkCalendar, WorkCalendarInput};
use domain::customer::Level;
use domain::employee::{Employee, Role};
use domain::visit_rule::CheckinStatus;
use domain::{CustomerId, DepartmentId, EmployeeId, TenantId};
use reports::facts::{
    CustomerPeriod, CustomerPeriodInput, CustomerVisit, DayType, PersonDay, PersonDayInput,
    VisitInput, VisitKind, customer_period, default_interval, person_day,
};
use reports::{Grain, PeriodKey, TrackDay};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use storage::{StoredCustomerMonth, StoredPersonDay};
use uuid::Uuid;

/// Days before a month whose visits decide the month's first due visit: more than the
/// longest level interval (28) plus its tolerance (7).
const CUSTOMER_LOOKBACK_DAYS: u64 = 60;
/// Days after a month whose visits can meet its last due visit (the longest tolerance).
const CUSTOMER_LOOKAHEAD_DAYS: u64 = 7;

/// What every fact of a tenant is computed with, read once per job or rebuild.
pub struct Basis {
    pub tz: Tz,
    pub calendar: WorkCalendar,
    pub today: NaiveDate,
    /// The report-form field whose number is a visit's outcome.
    pub outcome_field: Option<String>,
    schedules: HashMap<DepartmentId, AttendanceSchedule>,
}

impl Basis {
    pub async fn load(s: &AppState, tenant: TenantId) -> ApiResult<Basis> {
        let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
        let stored = s.store.rules(tenant, CALENDAR).await?.remove(&None);
        let input: WorkCalendarInput = match stored {
            Some(json) => serde_json::from_str(&json).map_err(ApiError::internal)?,
            None => serde_json::from_value(serde_json::json!({"days": []}))
                .map_err(ApiError::internal)?,
        };
        let outcome_field = s.store.report_settings(tenant).await?.and_then(|(_, f)| f);
        Ok(Basis {
            tz,
            calendar: input.validate()?,
            today: local_date(tz, crate::now_ms()),
            outcome_field,
            schedules: HashMap::new(),
        })
    }

    /// Reads the attendance schedule of a department once.
    async fn load_schedule(
        &mut self,
        s: &AppState,
        tenant: TenantId,
        dept: DepartmentId,
    ) -> ApiResult<()> {
        if let std::collections::hash_map::Entry::Vacant(e) = self.schedules.entry(dept) {
            e.insert(rule_for(s, tenant, dept).await?.validate()?);
        }
        Ok(())
    }

    fn outcome(&self, answers: Option<&str>) -> Option<f64> {
        let field = self.outcome_field.as_deref()?;
        let v: serde_json::Value = serde_json::from_str(answers?).ok()?;
        v.get(field)?.as_f64()
    }
}

/// A person's department on a day: that of the first move after the day, else the
/// current one.
fn department_on(
    moves: &[(NaiveDate, DepartmentId)],
    current: DepartmentId,
    day: NaiveDate,
) -> DepartmentId {
    moves
        .iter()
        .find(|(until, _)| day < *until)
        .map_or(current, |(_, d)| *d)
}

fn parse_day(field: &str, s: &str) -> ApiResult<NaiveDate> {
    s.parse()
        .map_err(|_| ApiError::internal(format!("stored {field} is not a date: {s}")))
}

fn json_code<T: serde::de::DeserializeOwned>(code: &str) -> ApiResult<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).map_err(ApiError::internal)
}

/// Whether a person has facts at all: active field reps.
pub fn keeps_facts(p: &Employee) -> bool {
    p.active && p.role == Role::Field
}

/// The facts of one person's days `from..=to` (cut at today), from everything stored.
pub async fn person_facts(
    s: &AppState,
    basis: &mut Basis,
    tenant: TenantId,
    person: &Employee,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Vec<PersonDay>> {
    let to = to.min(basis.today);
    if to < from || !keeps_facts(person) {
        return Ok(Vec::new());
    }
    let tz = basis.tz;
    let e = person.id;
    let (lo, hi) = (from.to_string(), to.to_string());
    let next = to + Days::new(1);
    let start = start_date(s, tenant, tz, person).await?;
    let moves: Vec<(NaiveDate, DepartmentId)> = s
        .store
        .department_moves(tenant, Some(e))
        .await?
        .into_iter()
        .map(|(_, until, d)| Ok((parse_day("until_day", &until)?, DepartmentId(d))))
        .collect::<ApiResult<_>>()?;

    // Night shifts reach into the next day and early clock-ins into the day before.
    let punches: Vec<Punch> = s
        .store
        .punches_between(
            tenant,
            e,
            local_instant(tz, from - Days::new(1), 0),
            local_instant(tz, to + Days::new(2), 0),
        )
        .await?
        .into_iter()
        .map(|p| Punch {
            kind: if p.kind == "clock_in" {
                PunchKind::ClockIn
            } else {
                PunchKind::ClockOut
            },
            t_ms: p.t_ms,
        })
        .collect();
    let leaves: Vec<Leave> = s
        .store
        .requests_between(tenant, e, &lo, &hi)
        .await?
        .into_iter()
        .filter(|r| r.kind == "leave" && r.status == "approved")
        .filter_map(|r| {
            let (a, b) = (
                r.from_date.parse::<NaiveDate>().ok()?,
                r.to_date.parse::<NaiveDate>().ok()?,
            );
            Some(Leave {
                start_ms: local_instant(tz, a, 0),
                end_ms: local_instant(tz, b.succ_opt()?, 0),
            })
        })
        .collect();
    let mut planned: HashMap<NaiveDate, Vec<CustomerId>> = HashMap::new();
    for (date, stops) in s.store.published_plans(tenant, e, &lo, &hi).await? {
        #[derive(Deserialize)]
        struct Stop {
            customer_id: CustomerId,
        }
        let stops: Vec<Stop> = serde_json::from_str(&stops).map_err(ApiError::internal)?;
        planned
            .entry(parse_day("plan date", &date)?)
            .or_default()
            .extend(stops.into_iter().map(|s| s.customer_id));
    }
    let mut visits: HashMap<NaiveDate, Vec<VisitInput>> = HashMap::new();
    for v in s
        .store
        .fact_visits(
            tenant,
            e,
            local_instant(tz, from, 0),
            local_instant(tz, next, 0),
        )
        .await?
    {
        #[derive(Deserialize)]
        struct Out {
            min_duration_s: i64,
        }
        let min_duration_s = match v.out_judgement.as_deref() {
            Some(j) if !j.is_empty() => serde_json::from_str::<Out>(j)
                .map(|o| o.min_duration_s)
                .ok(),
            _ => None,
        };
        visits
            .entry(local_date(tz, v.in_t_ms))
            .or_default()
            .push(VisitInput {
                id: v.id,
                customer: CustomerId(v.customer_id),
                kind: json_code::<VisitKind>(&v.kind)?,
                checkin_ms: v.in_t_ms,
                checkout_ms: v.out_t_ms,
                checkin: json_code::<CheckinStatus>(&v.in_status)?,
                min_duration_s,
                place: v.lat.zip(v.lon),
                outcome: basis.outcome(v.report_answers.as_deref()),
            });
    }
    let mut tracks: BTreeMap<NaiveDate, TrackDay> = BTreeMap::new();
    for (day, d) in s
        .store
        .days_between(tenant, e, &lo, &next.to_string())
        .await?
    {
        let t = TrackDay::from_summary_json(&d.summary_json).map_err(ApiError::internal)?;
        tracks.insert(parse_day("track day", &day)?, t);
    }
    let levels: HashMap<NaiveDate, integrity::Level> = s
        .store
        .verdict_levels(tenant, e, &lo, &hi)
        .await?
        .into_iter()
        .map(|(day, level)| Ok((parse_day("verdict day", &day)?, json_code(&level)?)))
        .collect::<ApiResult<_>>()?;

    let now = crate::now_ms();
    let mut out = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let department = department_on(&moves, person.department_id, date);
        basis.load_schedule(s, tenant, department).await?;
        let schedule = &basis.schedules[&department];
        let record = person_record(
            schedule,
            &basis.calendar,
            tz,
            start,
            date,
            &punches,
            &leaves,
            now,
        );
        let day_visits = visits.remove(&date).unwrap_or_default();
        let day_tracks: Vec<TrackDay> = [Some(date), date.succ_opt()]
            .into_iter()
            .flatten()
            .filter_map(|d| tracks.get(&d).cloned())
            .collect();
        if record.status == DayStatus::NotStarted
            && day_visits.is_empty()
            && !tracks.contains_key(&date)
        {
            continue;
        }
        let input = PersonDayInput {
            employee: e,
            department,
            date,
            tz,
            day_type: DayType::of(&basis.calendar, &schedule.week, date),
            attendance: Some(record),
            planned: planned.remove(&date).unwrap_or_default(),
            visits: day_visits,
            tracks: day_tracks,
            integrity: levels.get(&date).copied(),
        };
        out.push(person_day(&input));
    }
    Ok(out)
}

fn code<T: serde::Serialize>(v: &T) -> ApiResult<String> {
    match serde_json::to_value(v).map_err(ApiError::internal)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(ApiError::internal(format!("not a code: {other}"))),
    }
}

/// A fact as stored: its visits in their own column, the figures reports filter on beside.
pub fn stored(f: &PersonDay) -> ApiResult<StoredPersonDay> {
    let visit_rows = serde_json::to_string(&f.visit_rows).map_err(ApiError::internal)?;
    let mut bare = f.clone();
    bare.visit_rows = Vec::new();
    Ok(StoredPersonDay {
        employee_id: f.employee.0,
        day: f.date.to_string(),
        department_id: f.department.0,
        day_type: code(&f.day_type)?,
        attendance_status: f.attendance.as_ref().map(|a| code(&a.status)).transpose()?,
        visits: f.visits as i32,
        completed_visits: f.completed_visits as i32,
        planned_visits: f.planned_visits as i32,
        planned_done: f.planned_done as i32,
        total_m: f.total_m,
        work_m: f.work_m,
        integrity_level: f.integrity.map(|l| code(&l)).transpose()?,
        fact: serde_json::to_string(&bare).map_err(ApiError::internal)?,
        visit_rows,
        fact_bin: Some(postcard::to_allocvec(&bare).map_err(ApiError::internal)?),
        visits_bin: Some(postcard::to_allocvec(&f.visit_rows).map_err(ApiError::internal)?),
    })
}

/// A stored fact back as the pure crate's value: from the binary form (postcard: field
/// order, no names, ids as 16 bytes) when the row has it, else from the JSON.
pub fn read(row: &StoredPersonDay) -> ApiResult<PersonDay> {
    decode(&row.fact, &row.fact_bin, &row.visit_rows, &row.visits_bin)
}

/// [`read`] of a fact as reports read it (`Store::person_day_facts`).
pub fn read_fact(row: &storage::StoredFact) -> ApiResult<PersonDay> {
    decode(&row.fact, &row.fact_bin, &row.visit_rows, &row.visits_bin)
}

fn decode(
    fact: &str,
    fact_bin: &Option<Vec<u8>>,
    visit_rows: &str,
    visits_bin: &Option<Vec<u8>>,
) -> ApiResult<PersonDay> {
    let mut f: PersonDay = match fact_bin {
        Some(b) => postcard::from_bytes(b).map_err(ApiError::internal)?,
        None => serde_json::from_str(fact).map_err(ApiError::internal)?,
    };
    f.visit_rows = match visits_bin {
        Some(b) => postcard::from_bytes(b).map_err(ApiError::internal)?,
        None if visit_rows == "[]" => Vec::new(),
        None => serde_json::from_str(visit_rows).map_err(ApiError::internal)?,
    };
    Ok(f)
}

/// Recomputes and stores one person's facts of `from..=to` (a person who keeps none has
/// theirs removed); answers the customers of the old and new facts.
pub async fn refresh_person(
    s: &AppState,
    basis: &mut Basis,
    tenant: TenantId,
    person: &Employee,
    (from, to): (NaiveDate, NaiveDate),
) -> ApiResult<(usize, BTreeSet<CustomerId>)> {
    let facts = person_facts(s, basis, tenant, person, from, to).await?;
    let rows = facts.iter().map(stored).collect::<ApiResult<Vec<_>>>()?;
    let customers = facts
        .iter()
        .flat_map(|f| f.customers.iter().copied())
        .collect();
    s.store
        .replace_person_days(
            tenant,
            person.id,
            (&from.to_string(), &to.to_string()),
            &rows,
        )
        .await?;
    Ok((rows.len(), customers))
}

/// Recomputes the month facts of these customers (every active customer when `None`,
/// replacing the whole month).
pub async fn refresh_customer_month(
    s: &AppState,
    basis: &Basis,
    tenant: TenantId,
    customers: Option<&[Uuid]>,
    month: PeriodKey,
) -> ApiResult<usize> {
    let tz = basis.tz;
    let range = month.range();
    let rows = s.store.report_customers(tenant, customers).await?;
    let active: Vec<&storage::ReportCustomer> =
        rows.iter().filter(|c| c.status == "active").collect();
    let ids: Vec<Uuid> = active.iter().map(|c| c.id).collect();
    let window = (
        local_instant(tz, range.from - Days::new(CUSTOMER_LOOKBACK_DAYS), 0),
        local_instant(tz, range.to + Days::new(CUSTOMER_LOOKAHEAD_DAYS + 1), 0),
    );
    let tracked = basis.outcome_field.is_some();
    let mut by_customer: HashMap<Uuid, Vec<CustomerVisit>> = HashMap::new();
    let wanted = customers.map(|_| ids.as_slice());
    for v in s
        .store
        .customer_visits(tenant, wanted, window, tracked)
        .await?
    {
        by_customer
            .entry(v.customer_id)
            .or_default()
            .push(CustomerVisit {
                date: local_date(tz, v.in_t_ms),
                employee: EmployeeId(v.employee_id),
                outcome: basis.outcome(v.report_answers.as_deref()),
            });
    }
    let mut out = Vec::with_capacity(active.len());
    for c in active {
        let level = Level::parse(&c.level).map_err(|p| ApiError::internal(p.code()))?;
        let tags: Vec<String> = serde_json::from_str(&c.tags).map_err(ApiError::internal)?;
        let fact = customer_period(&CustomerPeriodInput {
            customer: CustomerId(c.id),
            level,
            tags,
            owner: c.owner_id.map(EmployeeId),
            period: range,
            interval_days: default_interval(level),
            last_visit_before: None,
            visits: by_customer.remove(&c.id).unwrap_or_default(),
            outcome_tracked: tracked,
        });
        out.push(stored_customer(&fact, &month.to_string())?);
    }
    s.store
        .replace_customer_months(tenant, &month.to_string(), &out, customers.is_none())
        .await?;
    Ok(out.len())
}

fn stored_customer(f: &CustomerPeriod, month: &str) -> ApiResult<StoredCustomerMonth> {
    Ok(StoredCustomerMonth {
        customer_id: f.customer.0,
        month: month.to_owned(),
        owner_id: f.owner.map(|o| o.0),
        level: f.level.as_str().to_owned(),
        tags: serde_json::to_string(&f.tags).map_err(ApiError::internal)?,
        visits: f.visits as i32,
        visitors: f.visitors as i32,
        due_visits: f.due_visits as i32,
        due_met: f.due_met as i32,
        last_visit: f.last_visit.map(|d| d.to_string()),
        outcome_sum: f.outcome_sum,
        visits_with_outcome: f.visits_with_outcome as i32,
    })
}

/// A stored month fact back as the pure crate's value, for `period`.
pub fn read_customer(
    row: &StoredCustomerMonth,
    period: reports::DateRange,
) -> ApiResult<CustomerPeriod> {
    let tags: Vec<String> = if row.tags == "[]" {
        Vec::new()
    } else {
        serde_json::from_str(&row.tags).map_err(ApiError::internal)?
    };
    Ok(CustomerPeriod {
        customer: CustomerId(row.customer_id),
        level: Level::parse(&row.level).map_err(|p| ApiError::internal(p.code()))?,
        tags,
        owner: row.owner_id.map(EmployeeId),
        period,
        visits: row.visits as u32,
        visitors: row.visitors as u32,
        due_visits: row.due_visits as u32,
        due_met: row.due_met as u32,
        last_visit: row
            .last_visit
            .as_deref()
            .map(|d| parse_day("last_visit", d))
            .transpose()?,
        outcome_sum: row.outcome_sum,
        visits_with_outcome: row.visits_with_outcome as u32,
    })
}

/// The months whose customer facts a visit on `day` can change, up to the current month:
/// those whose due windows reach it (the tolerance before it) and those whose first due
/// visit it can decide (a month's fact reads visits from `CUSTOMER_LOOKBACK_DAYS` before
/// the month).
fn months_touched(day: NaiveDate, today: NaiveDate) -> Vec<PeriodKey> {
    let first = PeriodKey::containing(Grain::Month, day - Days::new(CUSTOMER_LOOKAHEAD_DAYS));
    let last = PeriodKey::containing(Grain::Month, day + Days::new(CUSTOMER_LOOKBACK_DAYS));
    let mut months = Vec::new();
    let mut m = first;
    while m.first() <= last.first() && m.first() <= today {
        months.push(m);
        m = PeriodKey::containing(Grain::Month, m.range().to + Days::new(1));
    }
    months
}

#[derive(Deserialize)]
struct DayJob {
    employee_id: Uuid,
    day: NaiveDate,
}

/// The `report_facts` job: recomputes one person-day and the month facts of the customers
/// visited that day (before or after the change). Idempotent.
pub async fn run_job(s: &AppState, tenant: TenantId, payload: &str) -> ApiResult<()> {
    let job: DayJob = serde_json::from_str(payload).map_err(ApiError::internal)?;
    let employee = EmployeeId(job.employee_id);
    let person = match s.store.employee(tenant, employee, &Reach::Tenant).await {
        Ok(p) => p,
        Err(storage::StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let mut basis = Basis::load(s, tenant).await?;
    let day = job.day.to_string();
    let mut customers: BTreeSet<CustomerId> = BTreeSet::new();
    if let Some(old) = s.store.person_day_fact(tenant, employee, &day).await? {
        customers.extend(read(&old)?.customers);
    }
    let (_, new) = refresh_person(s, &mut basis, tenant, &person, (job.day, job.day)).await?;
    customers.extend(new);
    if !customers.is_empty() {
        let ids: Vec<Uuid> = customers.iter().map(|c| c.0).collect();
        for month in months_touched(job.day, basis.today) {
            refresh_customer_month(s, &basis, tenant, Some(&ids), month).await?;
        }
    }
    Ok(())
}

/// What a refresh or rebuild did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rebuilt {
    pub people: usize,
    pub person_days: usize,
    pub customer_months: usize,
}

/// Recomputes the facts of every active field rep over `from..=to` (cut at today) and
/// every active customer's month facts of the months it overlaps, from scratch. Facts of
/// people who no longer keep facts are left as they were.
pub async fn rebuild(
    s: &AppState,
    tenant: TenantId,
    (from, to): (NaiveDate, NaiveDate),
) -> ApiResult<Rebuilt> {
    let mut basis = Basis::load(s, tenant).await?;
    let to = to.min(basis.today);
    let mut done = Rebuilt::default();
    if to < from {
        return Ok(done);
    }
    for e in s.store.field_reps(tenant).await? {
        let person = s.store.employee(tenant, e, &Reach::Tenant).await?;
        let (n, _) = refresh_person(s, &mut basis, tenant, &person, (from, to)).await?;
        done.people += 1;
        done.person_days += n;
    }
    let range =
        reports::DateRange::new(from, to).ok_or_else(|| ApiError::internal("empty range"))?;
    for month in range.periods(Grain::Month) {
        done.customer_months += refresh_customer_month(s, &basis, tenant, None, month).await?;
    }
    Ok(done)
}

/// Above this many customers to recompute in a month, a refresh recomputes the whole month
/// in one read instead of naming them (a month's first refresh has no rows yet).
const WHOLE_MONTH_ABOVE: usize = 12_000;
/// Customers named in one read (well below both engines' limits on bound values).
const CUSTOMERS_PER_READ: usize = 4_000;

/// The nightly refresh: yesterday's facts of every active field rep (a day nobody touched
/// still moves from pending to absent once it is over), and, for the months yesterday's
/// visits can change, the month facts of the customers visited that day and of those
/// whose stored fact is missing or out of date with the customer (level, tags, owner,
/// outcome tracking; see `Store::stale_customer_months`). A month fact is a function of
/// the customer and its visits alone, so the others are what a full recomputation would
/// write again; late syncs of other days are refreshed by their own `report_facts` job.
pub async fn refresh_day(s: &AppState, tenant: TenantId, day: NaiveDate) -> ApiResult<Rebuilt> {
    let basis = Basis::load(s, tenant).await?;
    let mut done = Rebuilt::default();
    let (lo, hi) = (day.to_string(), day.to_string());
    let old = s
        .store
        .person_day_facts(
            tenant,
            &storage::PersonDayQuery {
                from: lo.clone(),
                to: hi.clone(),
                ..Default::default()
            },
        )
        .await?;
    let mut visited: BTreeSet<Uuid> = BTreeSet::new();
    for row in &old {
        visited.extend(read_fact(row)?.customers.iter().map(|c| c.0));
    }
    // Every rep's day is computed by a few workers side by side (most of a day's time is
    // waiting for its ten or so reads), then written in one transaction.
    let people = field_reps(s, tenant).await?;
    let ids: Vec<Uuid> = people.iter().map(|p| p.id.0).collect();
    let mut workers = tokio::task::JoinSet::new();
    for chunk in people.chunks(people.len().div_ceil(REFRESH_WORKERS).max(1)) {
        let (s, chunk) = (s.clone(), chunk.to_vec());
        workers.spawn(async move {
            let mut basis = Basis::load(&s, tenant).await?;
            let mut rows = Vec::new();
            let mut customers: BTreeSet<Uuid> = BTreeSet::new();
            for person in &chunk {
                for f in person_facts(&s, &mut basis, tenant, person, day, day).await? {
                    customers.extend(f.customers.iter().map(|c| c.0));
                    rows.push(stored(&f)?);
                }
            }
            ApiResult::Ok((rows, customers))
        });
    }
    let mut rows = Vec::new();
    while let Some(part) = workers.join_next().await {
        let (mut r, c) = part.map_err(ApiError::internal)??;
        rows.append(&mut r);
        visited.extend(c);
    }
    rows.sort_by_key(|r| r.employee_id);
    s.store
        .replace_people_days(tenant, &ids, (&lo, &hi), &rows)
        .await?;
    done.people = people.len();
    done.person_days = rows.len();
    let tracked = basis.outcome_field.is_some();
    for month in months_touched(day, basis.today) {
        let key = month.to_string();
        let mut ids: BTreeSet<Uuid> = s
            .store
            .stale_customer_months(tenant, &key, tracked)
            .await?
            .into_iter()
            .collect();
        ids.extend(visited.iter().copied());
        if ids.len() > WHOLE_MONTH_ABOVE {
            done.customer_months += refresh_customer_month(s, &basis, tenant, None, month).await?;
        } else {
            s.store.prune_customer_months(tenant, &key).await?;
            let ids: Vec<Uuid> = ids.into_iter().collect();
            for chunk in ids.chunks(CUSTOMERS_PER_READ) {
                done.customer_months +=
                    refresh_customer_month(s, &basis, tenant, Some(chunk), month).await?;
            }
        }
    }
    Ok(done)
}

/// Workers computing a refresh's person-days side by side.
const REFRESH_WORKERS: usize = 4;

/// Every active field rep of the tenant, in id order (the people facts are kept for).
pub(crate) async fn field_reps(s: &AppState, tenant: TenantId) -> ApiResult<Vec<Employee>> {
    let mut people = Vec::new();
    let mut cursor = None;
    loop {
        let page = s
            .store
            .list_employees(
                tenant,
                &Reach::Tenant,
                &storage::EmployeeFilter {
                    role: Some(Role::Field),
                    active: Some(true),
                    cursor: cursor.take(),
                    limit: 500,
                    ..storage::EmployeeFilter::default()
                },
            )
            .await?;
        people.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    people.sort_by_key(|p| p.id);
    Ok(people)
}

/// The tenant's time zone.
pub async fn tz_of(s: &AppState, tenant: TenantId) -> ApiResult<Tz> {
    Ok(parse_tz(&s.store.tenant(tenant).await?.timezone))
}

/// The local date of yesterday in the tenant's zone.
pub fn yesterday(tz: Tz) -> NaiveDate {
    let today = local_date(tz, crate::now_ms());
    today.pred_opt().unwrap_or(today)
}

/// The first day of the month `months` before the current one (the rebuild's default
/// start).
pub fn months_back(today: NaiveDate, months: u32) -> NaiveDate {
    let first = today.with_day(1).unwrap_or(today);
    first
        .checked_sub_months(chrono::Months::new(months))
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_day_belongs_to_the_department_before_the_next_move() {
        let (a, b, c) = (
            DepartmentId::new(),
            DepartmentId::new(),
            DepartmentId::new(),
        );
        let moves = [(d("2026-11-04"), a), (d("2026-11-10"), b)];
        assert_eq!(department_on(&moves, c, d("2026-11-03")), a);
        assert_eq!(department_on(&moves, c, d("2026-11-04")), b);
        assert_eq!(department_on(&moves, c, d("2026-11-10")), c);
    }

    #[test]
    fn a_fact_reads_back_the_same_from_either_form() {
        use domain::attendance::DayStatus;
        use reports::facts::{AttendanceFact, Detour, VisitFact};
        let customer = CustomerId(Uuid::now_v7());
        let f = PersonDay {
            employee: EmployeeId::new(),
            department: DepartmentId::new(),
            date: d("2026-11-03"),
            day_type: DayType::Workday,
            attendance: Some(AttendanceFact {
                status: DayStatus::Late,
                late_min: 7,
                early_leave_min: 0,
                leave_min: 0,
                worked_min: 473,
                clock_in_ms: Some(1_762_130_820_000),
                clock_out_ms: None,
                missing_clock_in: false,
                missing_clock_out: true,
            }),
            planned_visits: 3,
            planned_done: 2,
            visits: 2,
            completed_visits: 1,
            within_radius: 1,
            ad_hoc_visits: 1,
            prospect_visits: 0,
            short_visits: 1,
            customers: vec![customer],
            time_at_customers_s: 1_234,
            visit_duration_s: 1_234,
            avg_visit_s: Some(1_234.0),
            work_window_s: Some(28_380),
            travel_s: Some(7_000),
            driving_share: Some(7_000.0 / 28_380.0),
            work_m: Some(12_345.678),
            total_m: Some(20_000.1),
            detour: Some(Detour {
                places: 2,
                driven_m: 4_321.5,
                best_m: 3_000.25,
                ratio: 4_321.5 / 3_000.25,
                exact: true,
            }),
            tracked_s: None,
            coverage: Some(0.1 + 0.2),
            integrity: Some(integrity::Level::Review),
            visit_rows: vec![VisitFact {
                id: Uuid::now_v7(),
                customer,
                kind: VisitKind::AdHoc,
                checkin_ms: 1_762_140_000_000,
                checkout_ms: Some(1_762_141_234_000),
                duration_s: Some(1_234),
                checkin: CheckinStatus::Uncertain,
                short: true,
                outcome: Some(99.5),
            }],
        };
        let mut row = stored(&f).unwrap();
        assert_eq!(read(&row).unwrap(), f, "binary");
        (row.fact_bin, row.visits_bin) = (None, None);
        assert_eq!(
            read(&row).unwrap(),
            f,
            "JSON, as rows written before 0026 hold it"
        );
    }

    #[test]
    fn months_a_visit_can_change() {
        let m = |s: &str| PeriodKey::containing(Grain::Month, d(s));
        // October's last due window reaches the 3rd; December's first due visit can
        // follow from a visit in November; January has not started.
        assert_eq!(
            months_touched(d("2026-11-03"), d("2026-12-31")),
            [m("2026-10-01"), m("2026-11-01"), m("2026-12-01")]
        );
        assert_eq!(
            months_touched(d("2026-11-27"), d("2026-11-28")),
            [m("2026-11-01")],
            "December has not started"
        );
        assert_eq!(
            months_touched(d("2026-11-15"), d("2026-12-31")),
            [m("2026-11-01"), m("2026-12-01")]
        );
        assert_eq!(
            months_touched(d("2026-09-20"), d("2026-12-31")),
            [m("2026-09-01"), m("2026-10-01"), m("2026-11-01")],
            "60 days on"
        );
    }
}
