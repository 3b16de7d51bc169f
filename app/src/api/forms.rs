use crate::domain::{ApiError, FormState};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// A fresh submission nonce for the forms on a page, plus — when the server is rendering a
/// refused plain form post — what was typed and why it was refused.
#[server(prefix = "/api", endpoint = "/form_state", input = GetUrl)]
pub async fn get_form_state() -> Result<FormState, ApiError> {
    let state = crate::state::app_state()?;
    // the reader cookie comes with the form, so even a first double click is one reader
    crate::visitor::Visitor::current(&state).remember();
    Ok(FormState {
        nonce: form_nonce(&state.secret, crate::store::now()),
        echo: use_context::<crate::domain::FormEcho>(),
    })
}

/// `{unix time}.{random}.{signature}`: when the form was rendered, unforgeably.
/// A form's submission key is this nonce plus a counter (`-0`, `-1`…) per post.
#[cfg(feature = "ssr")]
pub fn form_nonce(secret: &crate::reader::Secret, now: i64) -> String {
    let data = format!("{now}.{}", crate::state::random_token());
    let sig = secret.sign(&data);
    format!("{data}.{}", &sig[..32])
}

/// Checks a submission key and answers how many seconds its form has been on screen.
#[cfg(feature = "ssr")]
pub fn form_age(secret: &crate::reader::Secret, key: &str, now: i64) -> Result<i64, ApiError> {
    let nonce = key.rsplit_once('-').map(|(n, _)| n).ok_or(ApiError::BadRequest)?;
    let mut parts = nonce.splitn(3, '.');
    let (Some(ts), Some(rand), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ApiError::BadRequest);
    };
    let full = secret.sign(&format!("{ts}.{rand}"));
    if key.len() > 120 || sig.len() != 32 || !full.starts_with(sig) {
        return Err(ApiError::BadRequest);
    }
    let ts: i64 = ts.parse().map_err(|_| ApiError::BadRequest)?;
    Ok(now - ts)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_their_forms_age_and_cannot_be_forged() {
        let secret = crate::reader::Secret::new(b"k".to_vec());
        let nonce = form_nonce(&secret, 1000);
        assert_eq!(form_age(&secret, &format!("{nonce}-0"), 1007).unwrap(), 7);
        assert_eq!(form_age(&secret, &format!("{nonce}-12"), 1000).unwrap(), 0);
        let forged = nonce.replacen("1000", "900", 1);
        assert_eq!(form_age(&secret, &format!("{forged}-0"), 1000), Err(ApiError::BadRequest));
        assert_eq!(form_age(&secret, "nonsense", 1000), Err(ApiError::BadRequest));
        let other = crate::reader::Secret::new(b"x".to_vec());
        assert_eq!(form_age(&other, &format!("{nonce}-0"), 1000), Err(ApiError::BadRequest));
    }
}
