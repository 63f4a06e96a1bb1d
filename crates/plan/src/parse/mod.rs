//! Readers for the two text formats of VRPTW instances. Both return the same
//! [`Instance`](crate::Instance) with the depot at index 0.

mod solomon;
mod vrplib;

pub use solomon::parse_solomon;
pub use vrplib::parse_vrplib;

/// Why a text could not be read: the 1-based line (0 when the problem is the whole file)
/// and what was wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(line: usize, message: impl Into<String>) -> Self {
        ParseError {
            line,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses every whitespace-separated token of a line as a number, or `None` if any is not.
fn numbers(line: &str) -> Option<Vec<f64>> {
    let v: Result<Vec<f64>, _> = line.split_whitespace().map(str::parse).collect();
    v.ok().filter(|v| !v.is_empty())
}
