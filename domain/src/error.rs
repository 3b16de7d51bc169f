//! The one error type every server function answers with.
//!
//! It crosses the wire (JSON), so it only ever carries messages written for readers:
//! the detail of an unexpected failure is logged on the server, never sent.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's `name`, so the message can stand next to it.
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("Please correct the highlighted fields.")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    /// Taken down on purpose (410): an unpublished story.
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("You are doing that too often. Please wait {retry_after} seconds and try again; your text is still here.")]
    RateLimited { retry_after: u64 },
    #[error("That was quick! Please take a moment to reread your comment, then post it again in {retry_after} seconds.")]
    TooSoon { retry_after: u64 },
    #[error("This exact comment was just posted here. Please write it in your own words.")]
    Duplicate,
    /// The request clashes with what is there already (409).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("The form could not be read. Please reload the page and try again.")]
    BadRequest,
    #[error("This form was opened too long ago. Your text is still here: please send it again.")]
    FormExpired,
    #[error("We could not reach the server. Check your connection; your text is still here.")]
    Network,
    #[error("Something went wrong on our side. Your text is still here; please try again.")]
    Internal,
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// The message for one field, if this error names it.
    /// Seconds to wait before trying again, for `Retry-After`.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after } | ApiError::TooSoon { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            ApiError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// HTTP status for this refusal.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid(_) | ApiError::BadRequest | ApiError::FormExpired => 400,
            ApiError::NotFound(_) => 404,
            ApiError::Gone(_) => 410,
            ApiError::Unauthorized(_) => 401,
            ApiError::RateLimited { .. } | ApiError::TooSoon { .. } => 429,
            ApiError::Duplicate | ApiError::Conflict(_) => 409,
            ApiError::Forbidden(_) => 403,
            ApiError::Network | ApiError::Internal => 500,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for ApiError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Args(_) | E::MissingArg(_) => ApiError::BadRequest,
            E::Request(_) => ApiError::Network,
            _ => ApiError::Internal,
        }
    }
}

/// Collects field refusals so a form reports all of them at once.
#[derive(Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.0.push(FieldError { field: field.into(), message });
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid(self.0))
        }
    }
}
