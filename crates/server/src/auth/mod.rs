//! Authentication: passwords, bearer tokens, login throttling and the [`Caller`] extractor.

mod caller;
pub mod login_queue;
pub mod passwords;
pub mod rate_limit;
pub mod scopes;
pub mod session_cache;
pub mod throttle;
pub mod tokens;

pub use caller::Caller;
