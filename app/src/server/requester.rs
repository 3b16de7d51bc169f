//! Who is asking: the reader cookie and the client address, for server functions and for
//! plain form posts alike.
use crate::server::state::AppState;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone)]
pub struct Requester {
    pub reader_id: String,
    pub ip: IpAddr,
    /// Set when this request made the reader a new cookie: send it with the answer.
    pub set_cookie: Option<http::HeaderValue>,
    /// The reader was derived from a form's key (a first-time writer): their cookie goes only
    /// with an answer that succeeded — a refusal must not hand out a derived reader (a replay
    /// of someone's published text with a key a shared cache gave both would be theirs).
    pub from_form: bool,
}

impl Requester {
    /// The visitor of a request; a reader without a (valid) cookie gets a new one, sent only
    /// with the answer to a write (`remember`): pages never set cookies.
    pub fn of(headers: &http::HeaderMap, extensions: &http::Extensions, state: &AppState) -> Requester {
        let ip = client_ip(headers, extensions, state.site.trust_proxy);
        match crate::server::reader_cookie::from_headers(headers, &state.secret) {
            Some(reader_id) => Requester { reader_id, ip, set_cookie: None, from_form: false },
            None => {
                let (reader_id, cookie) =
                    crate::server::reader_cookie::issue(&state.secret, state.site.secure_cookies());
                Requester { reader_id, ip, set_cookie: Some(cookie), from_form: false }
            }
        }
    }

    /// A first-time writer posting form `key` with `text` becomes the reader derived from the
    /// form, their network and the text, so that the repeats of one submission (a double click
    /// before any cookie) are one reader — and two people who got the same page from a shared
    /// cache in front of the site (the same key) are not.
    pub fn for_form(mut self, state: &AppState, key: &str, scope: &str, text: &str) -> Requester {
        // only a key this server made for this form (its signature holds) names a reader
        let genuine = crate::api::forms::is_genuine(&state.secret, key, scope);
        if self.set_cookie.is_some() && genuine {
            if let Some(id) = crate::api::forms::reader_for_form(&state.secret, key, self.ip, text) {
                self.set_cookie = Some(crate::server::reader_cookie::cookie_for(
                    &state.secret,
                    &id,
                    state.site.secure_cookies(),
                ));
                self.reader_id = id;
                self.from_form = true;
            }
        }
        self
    }

    /// The visitor of the request a server function is answering.
    pub fn current(state: &AppState) -> Requester {
        match leptos::prelude::use_context::<http::request::Parts>() {
            Some(parts) => Requester::of(&parts.headers, &parts.extensions, state),
            None => Requester::of(&http::HeaderMap::new(), &http::Extensions::new(), state),
        }
    }

    /// Sends a new reader cookie with the server function's answer.
    pub fn remember(&self) {
        if let (Some(cookie), Some(opts)) =
            (&self.set_cookie, leptos::prelude::use_context::<leptos_axum::ResponseOptions>())
        {
            opts.append_header(http::header::SET_COOKIE, cookie.clone());
        }
    }

    /// A salted hash of the address: enough to spot abuse, useless to identify a reader.
    pub fn ip_hash(&self, state: &AppState) -> String {
        state.secret.sign(&format!("ip:{}", self.ip))[..32].to_string()
    }
}

/// What stands for an erased reader's address where it must still be recognised (a ban of it):
/// a keyed hash that nobody without the site's key can turn back into the address.
pub fn erased_key(secret: &crate::server::reader_cookie::Secret, email: &str) -> String {
    let signed = secret.sign(&format!("erased-email:{}", email.to_lowercase()));
    format!("{}{}", crate::server::store::desk::bans::ERASED_PREFIX, &signed[..32])
}

/// The reader id of the current request, without issuing one (page renders stay cookie-free).
pub fn known_reader(state: &AppState) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    crate::server::reader_cookie::from_headers(&parts.headers, &state.secret)
}

/// The client's address: the connection's, or behind `trust_proxy` proxies the entry they
/// added to `X-Forwarded-For` — counted from the right, since everything left of what our own
/// proxies wrote is whatever the client chose to send.
pub fn client_ip(headers: &http::HeaderMap, extensions: &http::Extensions, trust_proxy: usize) -> IpAddr {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if trust_proxy == 0 {
        return per_network(peer);
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    per_network(entries.len().checked_sub(trust_proxy).and_then(|i| entries[i].parse().ok()).unwrap_or(peer))
}

/// One client per IPv6 /64 (a home or a phone gets a whole /64: counting each of its addresses
/// apart would let one client pass every per-address limit); IPv4 addresses as they are.
pub fn per_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::from([s[0], s[1], s[2], s[3], 0, 0, 0, 0])
            }
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_a_proxy_the_right_most_forwarded_address_counts() {
        let mut h = http::HeaderMap::new();
        h.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        let mut ext = http::Extensions::new();
        ext.insert(axum::extract::ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 9))));
        assert_eq!(client_ip(&h, &ext, 0), IpAddr::from([10, 0, 0, 1]), "no proxy: the connection");
        assert_eq!(client_ip(&h, &ext, 1), IpAddr::from([203, 0, 113, 7]), "not the client's 6.6.6.6");
        assert_eq!(client_ip(&h, &ext, 2), IpAddr::from([6, 6, 6, 6]));
        assert_eq!(client_ip(&h, &ext, 3), IpAddr::from([10, 0, 0, 1]), "fewer entries than proxies");
        h.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(client_ip(&h, &ext, 1), IpAddr::from([10, 0, 0, 1]));
        // one IPv6 /64 is one client
        h.insert("x-forwarded-for", "2001:db8:1:2:aaaa::1".parse().unwrap());
        let a = client_ip(&h, &ext, 1);
        h.insert("x-forwarded-for", "2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(client_ip(&h, &ext, 1), a);
        h.insert("x-forwarded-for", "2001:db8:1:3::1".parse().unwrap());
        assert_ne!(client_ip(&h, &ext, 1), a);
    }
}
