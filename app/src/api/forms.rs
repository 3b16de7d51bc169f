use crate::domain::{ApiError, FormState};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// A fresh submission nonce for the forms on a page about `scope` (an article's slug, or
/// `contact`), plus — when the server is rendering a refused plain form post — what was typed
/// and why it was refused. A GET: it sets no cookie (the reader cookie comes with a write).
#[server(prefix = "/api", endpoint = "/form_state", input = GetUrl)]
pub async fn get_form_state(scope: String) -> Result<FormState, ApiError> {
    let state = crate::server::state::app_state()?;
    // a page the cache keeps and shares gets a placeholder, replaced in each answer
    let shared = use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<crate::server::page_cache::SharedRender>().cloned());
    Ok(FormState {
        nonce: match shared {
            Some(s) => s.placeholder.to_string(),
            None => form_nonce(&state.secret, state.clock.now(), &scope),
        },
        echo: use_context::<crate::domain::FormEcho>(),
    })
}

/// `{unix time}.{random}.{signature}`: when the form was rendered and for what (`scope`, an
/// article's slug or `contact`: signed in, not written out), unforgeably. A form's submission
/// key is this nonce plus a counter (`-0`, `-1`…) per post.
#[cfg(feature = "ssr")]
pub fn form_nonce(secret: &crate::server::reader_cookie::Secret, now: i64, scope: &str) -> String {
    let data = format!("{now}.{}", crate::server::tokens::random_token());
    let sig = secret.sign(&format!("{data}.{scope}"));
    format!("{data}.{}", &sig[..32])
}

/// Checks a submission key made for `scope` and answers how many seconds its form has been on
/// screen. A key of another form, another article or from another server is refused; so is one
/// older than `max_age` seconds.
#[cfg(feature = "ssr")]
pub fn form_age(
    secret: &crate::server::reader_cookie::Secret,
    key: &str,
    scope: &str,
    now: i64,
    max_age: i64,
) -> Result<i64, ApiError> {
    let ts: i64 = signed_time(secret, key, scope).and_then(|t| t.parse().ok()).ok_or(ApiError::BadRequest)?;
    let age = now.saturating_sub(ts);
    if age > max_age {
        return Err(ApiError::FormExpired);
    }
    Ok(age)
}

/// Whether `key` is one this server made for a form about `scope` (however old).
#[cfg(feature = "ssr")]
pub fn is_genuine(secret: &crate::server::reader_cookie::Secret, key: &str, scope: &str) -> bool {
    signed_time(secret, key, scope).is_some()
}

/// The time written in a genuine key for `scope`.
#[cfg(feature = "ssr")]
fn signed_time<'k>(
    secret: &crate::server::reader_cookie::Secret,
    key: &'k str,
    scope: &str,
) -> Option<&'k str> {
    if key.len() > 120 {
        return None;
    }
    let nonce = key.rsplit_once('-').map(|(n, _)| n)?;
    let mut parts = nonce.splitn(3, '.');
    let (ts, rand, sig) = (parts.next()?, parts.next()?, parts.next()?);
    let full = secret.sign(&format!("{ts}.{rand}.{scope}"));
    (sig.len() == 32 && full.starts_with(sig)).then_some(ts)
}

/// The reader a first-time writer becomes: derived from the form's nonce, the writer's
/// network and what they wrote, so the repeats of one submission (a double click without a
/// cookie yet) are the same reader and one comment, while two writers who were handed the same
/// page (a CDN in front keeps one copy, key included) stay two readers.
#[cfg(feature = "ssr")]
pub fn reader_for_form(
    secret: &crate::server::reader_cookie::Secret,
    key: &str,
    ip: std::net::IpAddr,
    text: &str,
) -> Option<String> {
    use sha2::Digest;
    let nonce = key.rsplit_once('-').map(|(n, _)| n)?;
    let text = crate::server::tokens::hex(&sha2::Sha256::digest(text.trim().as_bytes()));
    Some(secret.sign(&format!("reader-of-form:{nonce}:{ip}:{text}"))[..32].to_string())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_their_forms_age_and_cannot_be_forged() {
        let secret = crate::server::reader_cookie::Secret::new(b"k".to_vec());
        let nonce = form_nonce(&secret, 1000, "an-article");
        let day = 86_400;
        assert_eq!(form_age(&secret, &format!("{nonce}-0"), "an-article", 1007, day).unwrap(), 7);
        assert_eq!(form_age(&secret, &format!("{nonce}-12"), "an-article", 1000, day).unwrap(), 0);
        let forged = nonce.replacen("1000", "900", 1);
        assert_eq!(
            form_age(&secret, &format!("{forged}-0"), "an-article", 1000, day),
            Err(ApiError::BadRequest)
        );
        assert_eq!(form_age(&secret, "nonsense", "an-article", 1000, day), Err(ApiError::BadRequest));
        let other = crate::server::reader_cookie::Secret::new(b"x".to_vec());
        assert_eq!(
            form_age(&other, &format!("{nonce}-0"), "an-article", 1000, day),
            Err(ApiError::BadRequest)
        );
    }

    #[test]
    fn a_key_works_for_its_own_article_and_only_for_a_while() {
        let secret = crate::server::reader_cookie::Secret::new(b"k".to_vec());
        let key = format!("{}-0", form_nonce(&secret, 1000, "an-article"));
        assert_eq!(form_age(&secret, &key, "another-article", 1010, 100), Err(ApiError::BadRequest));
        assert_eq!(form_age(&secret, &key, "contact", 1010, 100), Err(ApiError::BadRequest));
        assert_eq!(form_age(&secret, &key, "an-article", 1100, 100), Ok(100));
        assert_eq!(form_age(&secret, &key, "an-article", 1101, 100), Err(ApiError::FormExpired));
    }

    #[test]
    fn the_repeats_of_one_form_are_one_first_time_reader() {
        let secret = crate::server::reader_cookie::Secret::new(b"k".to_vec());
        let nonce = form_nonce(&secret, 1000, "a");
        let ip: std::net::IpAddr = [203, 0, 113, 7].into();
        let key = format!("{nonce}-0");
        let a = reader_for_form(&secret, &key, ip, "Hello").unwrap();
        assert_eq!(reader_for_form(&secret, &key, ip, "Hello"), Some(a.clone()));
        assert_eq!(a.len(), 32);
        let other = form_nonce(&secret, 1000, "a");
        assert_ne!(reader_for_form(&secret, &format!("{other}-0"), ip, "Hello"), Some(a.clone()));
        // the same page handed to two people (a shared cache): another network or another text
        assert_ne!(reader_for_form(&secret, &key, [198, 51, 100, 1].into(), "Hello"), Some(a.clone()));
        assert_ne!(reader_for_form(&secret, &key, ip, "Something else"), Some(a));
    }
}
