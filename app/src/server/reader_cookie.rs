//! The reader cookie: a random id signed with the server's key, HttpOnly and SameSite=Lax.
//! It lets a guest vote once per comment and edit or delete their own comments for a while.
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const COOKIE: &str = "byline_reader";
const ONE_YEAR: u64 = 365 * 24 * 3600;

type HmacSha256 = Hmac<Sha256>;

/// The key that signs cookies and form timestamps.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    pub fn sign(&self, data: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any size");
        mac.update(data.as_bytes());
        crate::server::tokens::hex(&mac.finalize().into_bytes())
    }

    pub fn verify(&self, data: &str, signature: &str) -> bool {
        let Some(sig) = crate::server::tokens::unhex(signature) else { return false };
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any size");
        mac.update(data.as_bytes());
        mac.verify_slice(&sig).is_ok()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The reader id from a request's cookies, if its signature holds.
pub fn from_headers(headers: &http::HeaderMap, secret: &Secret) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .and_then(|(_, v)| {
            let (id, sig) = v.split_once('.')?;
            // (an id Byline made: 32 hex digits, never another signed value)
            (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && secret.verify(id, sig))
                .then(|| id.to_string())
        })
}

/// A new reader id and the `Set-Cookie` value that carries it.
pub fn issue(secret: &Secret, secure: bool) -> (String, http::HeaderValue) {
    let id = crate::server::tokens::random_token();
    let header = cookie_for(secret, &id, secure);
    (id, header)
}

/// The `Set-Cookie` value that carries reader `id` (32 hex characters).
pub fn cookie_for(secret: &Secret, id: &str, secure: bool) -> http::HeaderValue {
    let value = format!(
        "{COOKIE}={id}.{sig}; Path=/; Max-Age={ONE_YEAR}; HttpOnly; SameSite=Lax{secure}",
        sig = secret.sign(id),
        secure = if secure { "; Secure" } else { "" }
    );
    http::HeaderValue::from_str(&value).expect("cookie is ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_accepted_only_with_its_signature() {
        let secret = Secret::new(b"k".to_vec());
        let (id, header) = issue(&secret, false);
        let cookie = header.to_str().unwrap().split(';').next().unwrap().to_string();
        assert!(header.to_str().unwrap().contains("HttpOnly; SameSite=Lax"));
        let mut h = http::HeaderMap::new();
        h.insert(http::header::COOKIE, format!("other=1; {cookie}").parse().unwrap());
        assert_eq!(from_headers(&h, &secret), Some(id.clone()));
        let other = Secret::new(b"other".to_vec());
        assert_eq!(from_headers(&h, &other), None, "signed with another key");
        let forged = format!("{COOKIE}={}.{}", "0".repeat(32), secret.sign(&id));
        h.insert(http::header::COOKIE, forged.parse().unwrap());
        assert_eq!(from_headers(&h, &secret), None, "signature of another id");
    }
}
