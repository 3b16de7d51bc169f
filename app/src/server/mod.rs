//! Server-side only (`ssr`): never compiled into the browser's wasm.
//!
//! | module | what it is |
//! | --- | --- |
//! | `state` | the shared state every route and server function gets |
//! | `answer` | how a server function answers: a refusal's status, the reader cookie |
//! | `store` | SQL (sqlx, SQLite): the only place with queries |
//! | `form_posts` | every form's POST answered as a page (303, or the page again on a refusal) |
//! | `mail`, `mail_links` | the outbox worker and its transports; the links in mails |
//! | `live_events`, `live_streams` | Server-Sent Events per open article; the open streams' caps |
//! | `reader_cookie` | the signed, HttpOnly reader id cookie (who wrote or voted) |
//! | `requester` | who is asking: that cookie plus the client's address, per request |
//! | `rate_limits` | per-address and per-email counters |
//! | `article_files` | `content/*.md` read into articles; `text_to_html`: Markdown to clean HTML |
//! | `assets`, `csp` | the bundle's hashed file names; the Content-Security-Policy |
//! | `article_memo` | the article a request's resources share (one lookup per request) |
//! | `clock`, `tokens` | the injectable clock; random tokens and hex |
//! | `tidy` | every page made valid HTML once, with its scripts' hashes for the CSP |
//! | `page_cache`, `cached_views` | rendered article views kept compressed for readers without a cookie; the middleware that answers with them |
pub mod answer;
pub mod article_files;
pub mod article_memo;
pub mod assets;
pub mod cached_views;
pub mod changes;
pub mod clock;
pub mod content;
pub mod csp;
pub mod desk_posts;
pub mod feeds;
pub mod form_posts;
pub mod legacy_links;
pub mod live_events;
pub mod live_streams;
pub mod mail;
pub mod mail_links;
pub mod page_cache;
pub mod rate_limits;
pub mod reader_cookie;
pub mod requester;
pub mod settings_memo;
pub mod staff;
pub mod state;
pub mod store;
pub mod text_to_html;
pub mod tidy;
pub mod tokens;
