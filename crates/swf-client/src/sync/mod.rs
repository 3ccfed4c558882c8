//! Sync: the pure [`planner`] and the [`engine`] that runs it against the service and the
//! mirror.
pub mod engine;
pub mod planner;

pub(crate) use engine::all_pages;
pub use engine::{
    BatchNotice, BatchSource, Engine, SyncConfig, SyncReport, SyncStatus, Verbinding,
};
pub use planner::{plan, Step};
