//! Mail: composing the messages, the transports (SMTP, or .eml files), and the delivery
//! worker that empties the outbox.
//!
//! No mail is sent inside a request: requests write outbox rows; the worker claims due rows
//! with a lease, sends them, and marks a row sent only once the transport accepted it.
//! Failures are retried with exponential backoff; a worker that dies leaves its lease to run
//! out, and the row is sent by whichever worker comes next.
//!
//! `transport`: SMTP or `.eml` files; `message`: the mails' text and MIME; `worker`: the loop
//! that empties the outbox.
mod message;
mod transport;
mod worker;

pub use message::*;
pub use transport::*;
pub use worker::*;
