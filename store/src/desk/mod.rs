//! The desk's storage: staff accounts and sessions, settings, the queue and what editors do to
//! comments (with the audit log), bans, reports, staff alerts, and the front page's figures.
pub mod alerts;
pub mod audit;
pub mod bans;
pub mod moderate;
pub mod queue;
pub mod readers;
pub mod reports;
pub mod settings;
pub mod staff;
pub mod stats;

/// Who did it, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    pub name: String,
}
