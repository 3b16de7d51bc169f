//! Server-side only (`ssr`): never compiled into the browser's wasm. The HTTP edge that only
//! the binary uses (form posts, the page cache's middleware, live events, feeds, import and
//! export) is in the server crate.
//!
//! | module | what it is |
//! | --- | --- |
//! | `state` | the shared state every route and server function gets |
//! | `answer` | how a server function answers: a refusal's status, the reader cookie |
//! | `store` | the store crate re-exported: the SQL, on SQLite or PostgreSQL |
//! | `mail` | the outbox worker and its transports |
//! | `live_streams` | the open Server-Sent Event streams' caps (the events: the server crate) |
//! | `reader_cookie` | the signed, HttpOnly reader id cookie (who wrote or voted) |
//! | `requester` | who is asking: that cookie plus the client's address, per request |
//! | `rate_limits` | per-address and per-email counters |
//! | `text_to_html` | Markdown to clean HTML |
//! | `assets`, `csp` | the bundle's hashed file names; the Content-Security-Policy |
//! | `article_memo` | the article a request's resources share (one lookup per request) |
//! | `clock`, `tokens` | the injectable clock; random tokens and hex |
//! | `tidy` | every page made valid HTML once, with its scripts' hashes for the CSP |
//! | `page_cache` | rendered article views kept compressed for readers without a cookie (its middleware: the server crate's `cached_views`) |
pub mod answer;
pub mod article_memo;
pub mod assets;
pub mod changes;
pub mod clock;
pub mod csp;
pub mod live_streams;
pub mod mail;
pub mod page_cache;
pub mod rate_limits;
pub mod reader_cookie;
pub mod requester;
pub mod settings_memo;
pub mod site_identity;
pub mod staff;
pub mod state;
pub mod store;
pub mod text_to_html;
pub mod tidy;
/// Random tokens and their hex form (in the store crate, which makes them too).
pub use db::tokens;
