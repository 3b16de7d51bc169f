//! The integration tests, one binary (linking the whole server once, not once per file):
//! each test starts a real server on a fresh SQLite file and talks HTTP to it; mail goes to a
//! real SMTP server in this process. The tests run in parallel.
mod common;

mod bundle;
mod cluster;
mod comments;
mod contact;
mod desk;
mod feedback;
mod feeds;
mod hardening;
mod import;
mod mail_faults;
mod many_servers;
mod notify;
mod page_cache;
mod pages;
mod parallel;
mod readme_claims;
mod restart;
mod schema;
mod second_look;
mod stories;
mod thread;
mod write_surfaces;
