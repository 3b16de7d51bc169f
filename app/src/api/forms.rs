use crate::domain::{ApiError, FormState};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// A fresh submission nonce for the forms on a page, plus — when the server is rendering a
/// refused plain form post — what was typed and why it was refused.
#[server(prefix = "/api", endpoint = "/form_state", input = GetUrl)]
pub async fn get_form_state() -> Result<FormState, ApiError> {
    Ok(FormState { nonce: crate::state::random_token(), echo: use_context::<crate::domain::FormEcho>() })
}
