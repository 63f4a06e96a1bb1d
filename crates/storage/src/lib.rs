//! Outfield's storage: one [`Store`] over SQLite (embedded default) or PostgreSQL
//! (production), chosen once from the database URL.
//!
//! Architecture invariant: every query on a tenant-owned table is given the tenant id as a
//! bound parameter; no function here reads or writes a tenant-owned row without one.
//! The SQL is written once in the dialect both engines share (`$n` placeholders,
//! `ON CONFLICT`, `RETURNING`, `WITH RECURSIVE`); only the migrations differ.

mod api_keys;
mod approvals;
mod attendance;
mod audit;
mod claim_setup;
mod claims;
mod config_cache;
mod cursor;
mod customer_import;
mod customer_write;
mod customers;
mod departments;
mod devices;
mod employees;
mod error;
mod events;
mod fix_group;
mod fixes;
mod forms;
mod geofences;
mod idem;
mod integrity;
mod job_batch;
mod jobs;
mod notifications;
mod notify;
mod payouts;
mod photos;
mod plans;
mod pool;
pub use pool::{WriterStats, writer_stats};
mod reach;
mod report_facts;
mod report_schedules;
mod reporting;
mod requests;
mod sessions;
mod sql;
mod sso;
pub use sso::{NewSsoPending, SsoConfigRecord, SsoConfigWrite, SsoPending};
mod tenants;
mod throttle;
mod time;
mod tombstones;
mod track_days;
mod tracking_rules;
mod two_factor;
mod upsert;
mod visits;
mod webhooks;

pub use api_keys::{ApiKeyRecord, NewApiKey, PresentedKey};
pub use approvals::{
    APPROVALS_SWEEP_JOB, Applied, ApprovalFilter, ApprovalWrite, InboxRow, NewApproval,
    NewApprovalEvent, OrgPerson, PLAN_CHANGE_JOB, StoredApproval, StoredApprovalEvent,
    StoredApprovalSettings, StoredFlow, SubjectWrite,
};
pub use attendance::StoredPunch;
pub use audit::{AuditEntry, AuditFilter, AuditVerdict, NewAuditEntry};
pub use claim_setup::{RatesRefused, StoredRateTable, StoredRateVersion, StoredVehicle};
pub use claims::{
    ClaimFigures, ClaimFilter, ReceiptSeen, StoredAdjustment, StoredClaim, StoredExpense,
};
pub use cursor::Page;
pub use customer_import::{ImportItem, ImportOutcome, UpsertAction};
pub use customer_write::CustomerUpsert;
pub use customers::{CustomerFilter, CustomerSort};
pub use departments::{Department, DepartmentUpsert};
pub use devices::{Device, DeviceOwner, NewDevice};
pub use employees::{EmployeeFilter, EmployeeUpsert, LoginCandidate};
pub use error::StoreError;
pub use events::{EVENT_TYPES, EventPosition, NewEvent, StoredEvent};
pub use fixes::{FixBatch, LastFix};
pub use forms::StoredForm;
pub use geofences::StoredFence;
pub use idem::{CreateKind, StoredCreate};
pub use integrity::{
    BandPhoto, CustomerPinRow, DayAction, DayRecords, INTEGRITY_DAY_JOB, NewVerdict, ReceivedFix,
    Refusal, StoredDeviceUse, StoredSignature, StoredVerdict, VerdictFilter, integrity_job,
};
pub use jobs::{ClaimedJob, Coalesce, JobCount, JobRecord, NewJob};
pub use notifications::{
    NOTIFICATIONS_JOB, NewNotification, StoredNotification, notifications_job,
};
pub use notify::{AnnouncedPosition, LIVE_CHANNEL, Listener};
pub use payouts::{PayoutRefused, StoredPayout};
pub use photos::StoredPhoto;
pub use plans::StoredPlan;
pub use pool::{Backend, PoolStats, Store};
pub use report_facts::{
    CoverageSum, CustomerVisitRow, FactVisit, PersonDayQuery, REPORT_FACTS_JOB, ReportCustomer,
    ReportRequest, StoredCustomerMonth, StoredFact, StoredPersonDay, day_before, local_day,
    report_facts_job,
};
pub use report_schedules::{
    DueSchedule, QueuedRun, REPORT_DELIVERY_JOB, RunOutcome, ScheduleWrite, StoredRun,
    StoredSchedule,
};
pub use reporting::{ReportingGrant, reporting_schema};
pub use requests::{RequestSpan, StoredRequest};
pub use tenants::{NewTenant, Tenant};
pub use throttle::KnownKind;
pub use tombstones::{Tombstone, TombstoneOf};
pub use track_days::{StoredDay, TRACK_DAY_JOB, day_job};
pub use two_factor::{ChallengePurpose, LoginChallenge, TotpCredential};
pub use upsert::{RowResults, RowWrite, UpsertTarget, Written};
pub use visits::{
    ActionFix, FlagBasis, FlagWrite, NewCheckin, NewProspect, StoredCheckout, StoredReport,
    VisitFilter, VisitRecord,
};
pub use webhooks::{
    DeliveryRecord, WEBHOOK_DELIVERY_JOB, WebhookCursor, WebhookRecord, WebhookWrite,
};
