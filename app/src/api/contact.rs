use crate::domain::ApiError;
use leptos::prelude::*;

/// Stores a Contact Us message for the editors.
#[server(prefix = "/api", endpoint = "/contact")]
pub async fn send_contact_message(
    name: String,
    email: String,
    subject: String,
    message: String,
    key: String,
) -> Result<(), ApiError> {
    let form = crate::domain::ContactForm { name, email, subject, message, key };
    let state = crate::state::app_state()?;
    let result = submit(&state, &form).await;
    if let Err(e) = &result {
        crate::state::set_status_for(e);
    }
    result
}

#[cfg(feature = "ssr")]
pub async fn submit(
    state: &crate::state::AppState,
    form: &crate::domain::ContactForm,
) -> Result<(), ApiError> {
    let input = crate::domain::ContactInput::parse(&form.name, &form.email, &form.subject, &form.message)?;
    if form.key.len() < 16 || form.key.len() > 80 {
        return Err(ApiError::BadRequest);
    }
    let id = crate::store::contact::insert(&state.pool, &input, &form.key, crate::store::now())
        .await
        .map_err(|e| crate::state::internal("storing a contact message", e))?;
    tracing::info!(message = id, "contact message stored");
    Ok(())
}
