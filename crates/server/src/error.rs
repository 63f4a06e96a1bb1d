//! The API's one error type and its single mapping to HTTP: every failure answers
//! `{"error":{"code","message","fields":[{"field","code","problem","params"}]}}` with a
//! fitting status. `code` (top level and per field) is stable so clients translate it;
//! `message` and `problem` are English for clients that only log them.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::{FieldProblem, Invalid, Problem};
use serde::Serialize;
use std::collections::BTreeMap;
use storage::StoreError;
use utoipa::ToSchema;

/// Every top-level `error.code` the API answers. A test checks that each code written in
/// the server's source is listed here, and the web's translations cover this list.
pub const ERROR_CODES: &[&str] = &[
    "validation_failed",
    "bad_request",
    "malformed_json",
    "unsupported_media_type",
    "payload_too_large",
    "method_not_allowed",
    "uri_too_long",
    "unauthorized",
    "wrong_credentials",
    "too_many_attempts",
    "forbidden",
    "not_found",
    "conflict",
    "in_use",
    "job_not_dead",
    "id_reused",
    "already_decided",
    "already_done",
    "checkout_requirements_unmet",
    "already_reviewed",
    "already_appealed",
    "appeal_window_closed",
    "verdict_changed",
    "verdict_clean",
    "internal",
    "watermark_font_missing",
    "timed_out",
    "empty_file",
    "not_a_spreadsheet",
    "too_many_rows",
    "unsupported_file",
    "bad_header",
    "malformed_file",
    // photo::PhotoError::code() for refused uploads
    "empty",
    "not_an_image",
    "unsupported_format",
    "too_large",
    "too_many_pixels",
    "side_too_long",
    "corrupt",
    // claims::ClaimError::code() for refused claim input
    "unsupported_currency",
    "currency_mismatch",
    "amount_overflow",
    "bad_distance",
    "absurd_distance",
    "coverage_out_of_range",
    "too_many",
    "bad_text",
    "bad_period",
    "duplicate_date",
    "date_outside_period",
    "bad_rate",
    "adjustment_not_on_working_day",
    "amount_not_positive",
    "absurd_amount",
    "bad_receipt_hash",
    "empty_batch",
    "batch_mixes_periods",
    "rep_twice_in_batch",
    // claim lifecycle
    "claim_not_editable",
    "claim_not_submitted",
    "claim_not_approved",
    "rate_version_immutable",
    // approval requests
    "approval_not_your_turn",
    "approval_withdrawn",
    "approval_in_progress",
    "approval_no_admin",
    "approval_submitter_inactive",
    // webhooks
    "webhook_disabled",
    "redelivered_by_schedule",
    // conditional writes (If-Match)
    "precondition_failed",
    // integration keys
    "missing_scope",
    "api_key_expired",
    "rate_limited",
    // two-factor sign-in
    "two_factor_code_invalid",
    "two_factor_challenge_invalid",
    "two_factor_already_enabled",
    "two_factor_not_pending",
    "two_factor_not_enabled",
    "two_factor_required",
    // single sign-on (OpenID Connect)
    "sso_unavailable",
    "sso_state_invalid",
    "sso_provider_error",
    "sso_id_token_invalid",
    "sso_claim_missing",
    "sso_no_person",
    "sso_person_inactive",
    "sso_code_invalid",
];

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldProblem>,
    pub retry_after_s: Option<u64>,
}

/// The body of every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `validation_failed`, `not_found`,
    /// `wrong_credentials`; clients show their own sentence for it.
    pub code: String,
    /// English; for logs and clients that do not translate.
    pub message: String,
    pub fields: Vec<FieldProblemBody>,
}

/// One problem with one input field.
#[derive(Serialize, ToSchema)]
pub struct FieldProblemBody {
    /// The field as the request named it, e.g. `name`, `contacts[2].phone`, a spreadsheet
    /// column heading, or `row 7` for an import row without a column.
    pub field: String,
    /// Stable problem code, e.g. `required`, `too_long`, `out_of_range`, `invalid_format`,
    /// `unknown_value`, `not_found`, `already_used`, `photos_missing`, `report_missing`.
    pub code: String,
    /// English sentence for the problem (e.g. "must be at most 200 characters").
    pub problem: String,
    /// What a translation needs, e.g. `{"max": 200}`, `{"min": 10, "max": 5000, "unit": "m"}`,
    /// `{"expected": "date"}`, `{"allowed": ["A","B","C"]}`; `{}` when nothing.
    #[schema(value_type = Object)]
    pub params: BTreeMap<String, serde_json::Value>,
}

impl FieldProblemBody {
    pub fn from_problem(field: String, p: &Problem) -> Self {
        Self {
            field,
            code: p.code().to_owned(),
            problem: p.english(),
            params: p.params().into_iter().collect(),
        }
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(ERROR_CODES.contains(&code), "unlisted error code {code}");
        Self {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            retry_after_s: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>, problem: Problem) -> Self {
        self.fields.push(FieldProblem {
            field: field.into(),
            problem,
        });
        self
    }

    pub fn bad_request(field: &str, problem: Problem) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("{field}: {problem}"),
        )
        .field(field, problem)
    }

    pub fn invalid(bad: Invalid) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message: format!("invalid input: {bad}"),
            fields: bad.problems,
            retry_after_s: None,
        }
    }

    /// 422 naming one field.
    pub fn invalid_one(field: impl Into<String>, problem: Problem) -> Self {
        Self::invalid(Invalid::one(field, problem))
    }

    pub fn unauthorized(message: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// A failed login; one answer whichever of the three was wrong.
    pub fn wrong_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "wrong_credentials",
            "wrong tenant, username or password",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "your role or key does not allow this",
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    /// 412: `If-Match` named another version than the stored one.
    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            "the resource changed since you read it (If-Match does not match its ETag); read it again",
        )
    }

    pub fn too_large(limit_bytes: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than {limit_bytes} bytes"),
        )
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        // The cause goes to the log, never to the client.
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; it has been logged",
        )
    }
}

impl From<Invalid> for ApiError {
    fn from(bad: Invalid) -> Self {
        ApiError::invalid(bad)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::InUse(why) => ApiError::new(StatusCode::CONFLICT, "in_use", why),
            StoreError::Conflict { field } => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("{field} is already used"),
            )
            .field(field, Problem::AlreadyUsed),
            StoreError::Invalid(bad) => ApiError::invalid(bad),
            StoreError::Stale => ApiError::precondition_failed(),
            other => ApiError::internal(other),
        }
    }
}

/// A claim the money rules refuse: 422 with the rule's stable code, naming the field the
/// crate names (services rename it to the request's own field where they differ).
impl From<claims::ClaimError> for ApiError {
    fn from(e: claims::ClaimError) -> Self {
        use claims::ClaimError as E;
        let problem = match &e {
            E::UnsupportedCurrency { .. } => Problem::unknown_value(&["CNY"]),
            E::BadDistance { .. } | E::AmountNotPositive { .. } => Problem::BelowMin { min: 0.0 },
            E::AbsurdDistance { meters, .. } => Problem::AboveMax {
                max: *meters as f64,
            },
            E::AbsurdAmount { max_minor, .. } => Problem::AboveMax {
                max: *max_minor as f64,
            },
            E::CoverageOutOfRange { .. } => Problem::range(0.0, 100.0, "%"),
            E::TooMany { max, .. } => Problem::TooMany { max: *max },
            E::BadText { max_chars, .. } => Problem::TooLong { max: *max_chars },
            E::BadPeriod { .. } => Problem::format(domain::Format::Month),
            E::DuplicateDate { .. } | E::RepTwiceInBatch { .. } => Problem::Duplicate,
            E::DateOutsidePeriod { .. } | E::AdjustmentNotOnWorkingDay { .. } => {
                Problem::NotApplicable
            }
            E::BadReceiptHash => Problem::format(domain::Format::Text),
            E::EmptyBatch => Problem::Required,
            E::BadRate { problem, .. } => Problem::Unreadable {
                detail: serde_json::to_value(problem)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            },
            E::CurrencyMismatch { .. } | E::Overflow | E::BatchMixesPeriods { .. } => {
                Problem::NotAllowed
            }
        };
        let mut err = ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: e.code(),
            message: e.to_string(),
            fields: Vec::new(),
            retry_after_s: None,
        };
        if let Some(field) = e.field() {
            err = err.field(field, problem);
        }
        err
    }
}

impl ApiError {
    /// Renames a field the money rules named (`adjustments.meters`) to the request's own
    /// (`meters`).
    pub fn renamed(mut self, from: &str, to: &str) -> Self {
        for f in &mut self.fields {
            if f.field == from {
                f.field = to.to_owned();
            }
        }
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                fields: self
                    .fields
                    .into_iter()
                    .map(|p| FieldProblemBody::from_problem(p.field, &p.problem))
                    .collect(),
            },
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after_s
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::ERROR_CODES;
    use domain::{Format, Problem};
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    /// Every `ApiError::new(status, "code", …)` in the server's source uses a listed code,
    /// so the web's translation table (checked against the list) covers it.
    #[test]
    fn every_code_in_the_source_is_listed() {
        let mut files = Vec::new();
        rust_files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut found = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            // Tests (like this one) mention the call in strings; only code counts.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (i, _) in text.match_indices("ApiError::new(") {
                let rest = &text[i..];
                // The code is the first string literal; skip calls that pass a variable.
                let Some(q) = rest.find('"') else { continue };
                if rest[..q].contains(';') || rest[..q].matches(',').count() != 1 {
                    continue;
                }
                let code = rest[q + 1..].split('"').next().unwrap();
                assert!(
                    ERROR_CODES.contains(&code),
                    "{}: code {code} is not in ERROR_CODES",
                    f.display()
                );
                found += 1;
            }
        }
        assert!(found > 15, "only {found} codes found; the scan is broken");
    }

    /// `web/src/shared/error-codes.json` lists every code the server can answer; the web
    /// build checks that both languages translate each. Regenerate with
    /// `UPDATE_ERROR_CODES=1 cargo test -p server --lib error`.
    #[test]
    fn web_code_list_is_current() {
        let want = serde_json::json!({
            "error_codes": ERROR_CODES,
            "problem_codes": Problem::CODES.to_vec(),
            "formats": Format::ALL.iter().map(|f| f.code()).collect::<Vec<_>>(),
        });
        let text = format!("{}\n", serde_json::to_string_pretty(&want).unwrap());
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/src/shared/error-codes.json");
        if std::env::var_os("UPDATE_ERROR_CODES").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == text,
            "{} is stale; run UPDATE_ERROR_CODES=1 cargo test -p server --lib error",
            path.display()
        );
    }
}
