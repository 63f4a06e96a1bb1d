//! Use cases: what the API, the CLI and background jobs do, callable without HTTP. One
//! module per capability. A use case takes the state (or the pieces it needs), the
//! caller's tenant, reach or principal as values, and typed input; it reads rules, calls
//! the pure crates (`domain`, `plan`, `photo`, `track`), writes through `storage` and
//! answers typed values or [`ApiError`](crate::error::ApiError). It never sees a request,
//! an extractor or a response: `routes/` turns HTTP into calls here and answers back.

pub mod attendance;
pub mod forms;
pub mod me;
pub mod photos;
pub mod plan_days;
pub mod plans;
pub mod requests;
pub mod rules;
pub mod today;
pub mod visit_views;
pub mod visits;

/// What a create with a client-generated id answers: the stored item, and whether this
/// call stored it (`false`: an earlier call with the same id and body did).
pub struct Saved<T> {
    pub item: T,
    pub created: bool,
}

/// The rows a principal reaches for `action` on `resource`; 403 when none.
pub(crate) fn reach(
    principal: &domain::access::Principal,
    resource: domain::access::Resource,
    action: domain::access::Action,
) -> crate::error::ApiResult<domain::access::Reach> {
    match domain::access::reach(principal, resource, action) {
        domain::access::Reach::None => Err(crate::error::ApiError::forbidden()),
        r => Ok(r),
    }
}
