//! The server's shared state, handed to every route and server function.
use crate::store::Pool;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub site: Arc<SiteConfig>,
}

#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Absolute base URL for canonical links, sitemaps and JSON-LD, without a trailing slash.
    pub base_url: String,
    /// `BYLINE_ADMIN_PASSWORD`: editors sign in to /admin with user `editor` and this
    /// password. Unset: the admin is closed.
    pub admin_password: Option<String>,
}

/// The state inside a server function. Missing state is a wiring bug: log it, answer cleanly.
pub fn app_state() -> Result<AppState, crate::domain::ApiError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        crate::domain::ApiError::Internal
    })
}

/// Logs an unexpected failure with its detail and answers the clean message.
pub fn internal(context: &str, err: impl std::fmt::Display) -> crate::domain::ApiError {
    tracing::error!(error = %err, "{context}");
    crate::domain::ApiError::Internal
}

/// Sets the HTTP status of the current response to match a refusal.
pub fn set_status_for(err: &crate::domain::ApiError) {
    if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(err.status()) {
            opts.set_status(code);
        }
    }
}

/// A random token (128 bits, hex) for submission nonces.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
