pub mod from_tracksim;
pub mod sim;
