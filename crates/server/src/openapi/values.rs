//! Closed sets of values that the server checks in plain `String` fields (kept as strings
//! so a wrong value is answered naming the field and the allowed values, not a serde
//! error). Documentation only: named with `value_type = ..` so the document lists exactly
//! what the handler accepts, and the field keeps its own description.

/// A documentation-only enum whose variants are the accepted spellings.
macro_rules! closed_set {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(utoipa::ToSchema)]
        #[allow(dead_code)]
        pub enum $name {
            $(#[schema(rename = $value)] $variant),+
        }
    };
}

closed_set!(
    /// The punch a correction asks for.
    PunchKind { ClockIn = "clock_in", ClockOut = "clock_out" }
);
closed_set!(
    /// A manager's decision on a request.
    DecisionStatus { Approved = "approved", Rejected = "rejected" }
);
closed_set!(
    /// Where a mileage claim stands: the rep edits a `draft` (and a `rejected` one) and
    /// submits it; a manager approves or rejects it; finance pays approved claims.
    ClaimStatus { Draft = "draft", Submitted = "submitted", Approved = "approved", Rejected = "rejected", Paid = "paid" }
);
closed_set!(
    /// The vehicle a person works with.
    VehicleKind { PrivateCar = "private_car", CompanyCar = "company_car", Motorbike = "motorbike", None = "none" }
);
closed_set!(
    /// How long a tenant's claim period is.
    ClaimPeriodKind { Month = "month", HalfMonth = "half_month", Week = "week" }
);
closed_set!(
    /// A claim expense's category.
    ExpenseCategory { Toll = "toll", Parking = "parking", Fuel = "fuel", Other = "other" }
);
closed_set!(
    /// A payout export's format.
    PayoutFormat { Xlsx = "xlsx", Csv = "csv", Json = "json" }
);
closed_set!(
    /// Where a request stands.
    RequestStatus { Pending = "pending", Approved = "approved", Rejected = "rejected", Withdrawn = "withdrawn" }
);
closed_set!(
    /// Where an approval request stands.
    ApprovalStatus { InProgress = "in_progress", Approved = "approved", Rejected = "rejected", Withdrawn = "withdrawn" }
);
closed_set!(
    /// An approver's decision (`approved` / `rejected` are accepted as well).
    ApprovalVerdict { Approve = "approve", Reject = "reject" }
);
closed_set!(
    /// Where a step of a request's round stands: `not_reached`, `pending` (being decided),
    /// `approved`, `rejected`, `skipped` (a condition, nobody found, or only the submitter;
    /// see `reason`), `auto_approved` (nobody found and the tenant approves such steps),
    /// `cancelled` (the round was withdrawn while it was being decided).
    ApprovalStepState { NotReached = "not_reached", Pending = "pending", Approved = "approved", Rejected = "rejected",
        Skipped = "skipped", AutoApproved = "auto_approved", Cancelled = "cancelled" }
);
closed_set!(
    /// One approver's place in a step: `waiting` (their turn has not come), `pending` (they
    /// can decide now), `approved`, `rejected`, `not_needed` (settled without them).
    ApproverState { Waiting = "waiting", Pending = "pending", Approved = "approved", Rejected = "rejected",
        NotNeeded = "not_needed" }
);
closed_set!(
    /// An event of a request's history.
    ApprovalEventKind { Submitted = "submitted", Resubmitted = "resubmitted", StepStarted = "step_started",
        Approved = "approved", Rejected = "rejected", AutoApproved = "auto_approved", StepPassed = "step_passed",
        Escalated = "escalated", Reminded = "reminded", Withdrawn = "withdrawn", Finished = "finished" }
);
closed_set!(
    /// Which requests a list shows: the caller's own, or those of everyone they reach.
    RequestScope { Mine = "mine", Reachable = "reachable" }
);
closed_set!(
    /// A check-in's place judgement.
    Judgement { Within = "within", Outside = "outside", Uncertain = "uncertain" }
);
closed_set!(
    /// A spreadsheet's file format.
    SheetFormat { Csv = "csv", Xlsx = "xlsx" }
);
closed_set!(
    /// The dashboard's period: the day alone, its week (Monday on) or its month, up to it.
    DashboardSpan { Day = "day", Week = "week", Month = "month" }
);
closed_set!(
    /// A report as JSON or as a spreadsheet.
    ReportFormat { Json = "json", Xlsx = "xlsx" }
);
closed_set!(
    /// A spreadsheet's heading language (`zh` means `zh-CN`).
    ReportLang { ZhCn = "zh-CN", Zh = "zh", En = "en" }
);
closed_set!(
    /// A day's track as JSON, GPX or GeoJSON.
    TrackFormat { Json = "json", Gpx = "gpx", Geojson = "geojson" }
);
closed_set!(
    /// Which rendition of a photo.
    PhotoVariant { Watermarked = "watermarked", Original = "original", Thumbnail = "thumbnail" }
);
closed_set!(
    /// A customer list's order.
    CustomerSort {
        Name = "name",
        NameDesc = "-name",
        CreatedAt = "created_at",
        CreatedAtDesc = "-created_at",
        Distance = "distance",
    }
);
closed_set!(
    /// How a rep travels between customers.
    TravelMode { Drive = "drive", Ride = "ride", Walk = "walk" }
);
closed_set!(
    /// A photo watermark's language.
    WatermarkLang { Zh = "zh", En = "en" }
);
closed_set!(
    /// What an in-app notification tells.
    NotificationKind {
        ApprovalWaiting = "approval_waiting",
        ApprovalReminder = "approval_reminder",
        ApprovalDecided = "approval_decided",
        ClaimPaid = "claim_paid"
    }
);
closed_set!(
    /// What a photo uploaded with `POST /api/v1/photos` is for.
    PhotoUploadPurpose { Attendance = "attendance", Receipt = "receipt" }
);
closed_set!(
    /// Where a fix came from.
    FixProvider { Gps = "gps", Network = "network", Fused = "fused" }
);
closed_set!(
    /// Where a background job stands.
    JobState { Queued = "queued", Running = "running", Done = "done", Dead = "dead" }
);
closed_set!(
    /// A domain event's type, and what its payload holds:
    /// `visit.checked_in` {visit_id, employee_id, customer_id, kind, at, status};
    /// `visit.checked_out` {visit_id, employee_id, customer_id, at};
    /// `visit.reported` {visit_id, employee_id, form_id, form_version};
    /// `attendance.punched` {punch_id, employee_id, kind, at};
    /// `customer.created` (also for a prospect a check-in created, and per imported row),
    /// `customer.updated` (only when a field changed), `customer.approved`, `customer.deleted` {customer_id};
    /// `employee.created`, `employee.updated` (only when a field or the password changed) {employee_id};
    /// `department.created`, `department.updated` (only when its name, parent or external
    /// id changed), `department.deleted` {department_id};
    /// `request.created` {request_id, employee_id, kind}; `request.decided` {request_id, status};
    /// `plan.published` {employee_id, days: the dates newly published, `YYYY-MM-DD`};
    /// `track_day.updated` {employee_id, day, mileage_m, work_mileage_m};
    /// `claim.submitted` {claim_id, total_minor, currency}; `claim.decided` {claim_id, status};
    /// `payout.created` {payout_id, reference, claim_ids, total_minor, currency};
    /// `approval.submitted` {request_id, request_type, submitter_id, round} (also a
    /// resubmission); `approval.decided` {request_id, request_type, step, employee_id,
    /// verdict}; `approval.finished` {request_id, request_type, status};
    /// `approval.withdrawn` {request_id, request_type}; `approval.reminded` {request_id,
    /// request_type, step, employee_ids} (approvers who kept it waiting);
    /// `integrity.verdict_changed` {employee_id, day, version, level, score} (a rep-day's
    /// anti-cheat verdict is new or changed); `integrity.reviewed` {employee_id, day,
    /// version, decision, reviewed_by}; `integrity.appealed` {employee_id, day, version};
    /// `webhook.disabled` {webhook_id, url, reason: `gone` (the receiver answered 410) or
    /// `failing` (no success for five days)}. Instants (`at`) are
    /// RFC 3339 in UTC. A replayed request that changes nothing writes no event.
    EventType {
        VisitCheckedIn = "visit.checked_in",
        VisitCheckedOut = "visit.checked_out",
        VisitReported = "visit.reported",
        AttendancePunched = "attendance.punched",
        CustomerCreated = "customer.created",
        CustomerUpdated = "customer.updated",
        CustomerApproved = "customer.approved",
        CustomerDeleted = "customer.deleted",
        EmployeeCreated = "employee.created",
        EmployeeUpdated = "employee.updated",
        DepartmentCreated = "department.created",
        DepartmentUpdated = "department.updated",
        DepartmentDeleted = "department.deleted",
        RequestCreated = "request.created",
        RequestDecided = "request.decided",
        PlanPublished = "plan.published",
        TrackDayUpdated = "track_day.updated",
        ClaimSubmitted = "claim.submitted",
        ClaimDecided = "claim.decided",
        PayoutCreated = "payout.created",
        ApprovalSubmitted = "approval.submitted",
        ApprovalDecided = "approval.decided",
        ApprovalFinished = "approval.finished",
        ApprovalWithdrawn = "approval.withdrawn",
        ApprovalReminded = "approval.reminded",
        IntegrityVerdictChanged = "integrity.verdict_changed",
        IntegrityReviewed = "integrity.reviewed",
        IntegrityAppealed = "integrity.appealed",
        WebhookDisabled = "webhook.disabled",
    }
);
closed_set!(
    /// An anti-cheat verdict's level.
    IntegrityLevel { Clean = "clean", Review = "review", LikelyCheat = "likely_cheat" }
);
closed_set!(
    /// The review queue's level filter: one level, or `all`.
    IntegrityLevelFilter { Clean = "clean", Review = "review", LikelyCheat = "likely_cheat", All = "all" }
);
closed_set!(
    /// Where a rep-day's verdict stands: `open` (not reviewed for this version),
    /// `confirmed` / `dismissed` (reviewed), `appealed` (the rep appealed; a second
    /// review answers it).
    IntegrityStatus { Open = "open", Confirmed = "confirmed", Dismissed = "dismissed", Appealed = "appealed" }
);
closed_set!(
    /// A reviewer's decision on a verdict.
    IntegrityDecision { Confirmed = "confirmed", Dismissed = "dismissed" }
);
closed_set!(
    /// A field action the verdict looked at.
    IntegrityActionKind { ClockIn = "clock_in", ClockOut = "clock_out", CheckIn = "check_in", CheckOut = "check_out" }
);
closed_set!(
    /// A reason of an anti-cheat verdict (see README, Anti-cheat): device claims
    /// (`mock_location`, `rooted`, `emulator`, `developer_mode`), physics
    /// (`impossible_speed`, `teleport`), `synthetic_track`, `frozen_position`, `pin_drop`,
    /// `replayed_track`, `clock_tampered`, proxy punching (`proxy_punch` on the borrower's
    /// day, `device_shared` on the lender's), photos (`photo_reused`,
    /// `photo_exif_mismatch`), coverage (`tracking_off`, `check_in_without_track`).
    ReasonCode {
        MockLocation = "mock_location",
        Rooted = "rooted",
        Emulator = "emulator",
        DeveloperMode = "developer_mode",
        ImpossibleSpeed = "impossible_speed",
        Teleport = "teleport",
        SyntheticTrack = "synthetic_track",
        FrozenPosition = "frozen_position",
        PinDrop = "pin_drop",
        ReplayedTrack = "replayed_track",
        ClockTampered = "clock_tampered",
        ProxyPunch = "proxy_punch",
        DeviceShared = "device_shared",
        PhotoReused = "photo_reused",
        PhotoExifMismatch = "photo_exif_mismatch",
        TrackingOff = "tracking_off",
        CheckInWithoutTrack = "check_in_without_track",
    }
);
closed_set!(
    /// A standard report (`GET /api/v1/reports/{name}`): 考勤月报, visit detail, plan
    /// compliance (计划达成率), customer coverage by level, time at customers, mileage by
    /// day and by month, team ranking, anti-cheat summary, approval turnaround, new
    /// prospects.
    ReportName {
        AttendanceMonthly = "attendance_monthly",
        VisitDetail = "visit_detail",
        PlanCompliance = "plan_compliance",
        CustomerCoverage = "customer_coverage",
        TimeAtCustomers = "time_at_customers",
        MileageDaily = "mileage_daily",
        MileageMonthly = "mileage_monthly",
        TeamRanking = "team_ranking",
        AntiCheat = "anti_cheat",
        ApprovalTurnaround = "approval_turnaround",
        NewProspects = "new_prospects",
    }
);
closed_set!(
    /// A standard report as JSON, a formatted spreadsheet, or CSV (UTF-8 with BOM).
    ReportExport { Json = "json", Xlsx = "xlsx", Csv = "csv" }
);
closed_set!(
    /// What a report column holds: an `id` to drill down by, `text`, a `code` labelled in
    /// the report's `codes`, an `integer`, a `number`, a `percent` (a fraction: 0.5 is
    /// 50 %), a `date`, an `instant` (RFC 3339 UTC), a `bool`.
    ReportColumnType {
        Id = "id",
        Text = "text",
        Code = "code",
        Integer = "integer",
        Number = "number",
        Percent = "percent",
        Date = "date",
        Instant = "instant",
        Bool = "bool",
    }
);
closed_set!(
    /// A report column's unit (`rank` is a percentile rank 0–100, `ratio` a ratio of like
    /// quantities).
    ReportUnit { Count = "count", Days = "days", Hours = "hours", Minutes = "minutes", Km = "km", Rank = "rank", Ratio = "ratio" }
);
closed_set!(
    /// A customer level filter.
    CustomerLevel { A = "A", B = "B", C = "C" }
);
closed_set!(
    /// What an insight is about.
    InsightSubjectKind { Person = "person", Customer = "customer" }
);
closed_set!(
    /// An insight rule: completed visits below the team median for weeks; A-level
    /// coverage low; detour ratio high; driving share high; short visits repeated; a
    /// territory whose due visits exceed its rep's capacity; visits without outcome.
    InsightCode {
        VisitsBelowTeamMedian = "visits_below_team_median",
        ACoverageLow = "a_coverage_low",
        DetourHigh = "detour_high",
        DrivingShareHigh = "driving_share_high",
        ShortVisitsRepeated = "short_visits_repeated",
        TerritoryOverloaded = "territory_overloaded",
        VisitsWithoutOutcome = "visits_without_outcome",
    }
);
closed_set!(
    /// The action an insight suggests.
    InsightAction {
        ReviewWorkload = "review_workload",
        PlanMissedACustomers = "plan_missed_a_customers",
        FollowOptimisedRoute = "follow_optimised_route",
        CompactTerritory = "compact_territory",
        CoachVisitLength = "coach_visit_length",
        RebalanceTerritories = "rebalance_territories",
        LowerFrequencyLevel = "lower_frequency_level",
    }
);
closed_set!(
    /// How often a scheduled report is sent: `daily` (covers yesterday), `weekly` (last
    /// Monday to Sunday), `monthly` (last month).
    Cadence { Daily = "daily", Weekly = "weekly", Monthly = "monthly" }
);
closed_set!(
    /// The file a scheduled report attaches.
    ScheduleFormat { Xlsx = "xlsx", Csv = "csv" }
);
closed_set!(
    /// Where a scheduled report's run stands.
    RunStatus { Queued = "queued", Sent = "sent", Failed = "failed" }
);
closed_set!(
    /// Why a scheduled report's run failed: no SMTP server configured, the mail server
    /// refused or could not be reached (retried), the owner deactivated, the report refused
    /// for the owner (their reach no longer covers the filters), the webhook endpoint
    /// answered other than 2xx or not at all (retried; 410 is final), was deleted, or is
    /// disabled.
    RunError {
        SmtpNotConfigured = "smtp_not_configured",
        SmtpFailed = "smtp_failed",
        OwnerInactive = "owner_inactive",
        ReportRefused = "report_refused",
        WebhookFailed = "webhook_failed",
        WebhookNotFound = "webhook_not_found",
        WebhookDisabled = "webhook_disabled",
    }
);
