//! Sync: the pure [`planner`] and the engine that runs it against the service and the mirror.
pub mod planner;

pub use planner::{plan, Step};
