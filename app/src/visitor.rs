//! Who is asking: the reader cookie and the client address, for server functions and for
//! plain form posts alike.
use crate::state::AppState;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone)]
pub struct Visitor {
    pub reader_id: String,
    pub ip: IpAddr,
    /// Set when this request made the reader a new cookie: send it with the answer.
    pub set_cookie: Option<http::HeaderValue>,
}

impl Visitor {
    /// The visitor of a request; a reader without a (valid) cookie gets a new one.
    pub fn of(headers: &http::HeaderMap, extensions: &http::Extensions, state: &AppState) -> Visitor {
        let ip = client_ip(headers, extensions, state.site.trust_proxy);
        match crate::reader::from_headers(headers, &state.secret) {
            Some(reader_id) => Visitor { reader_id, ip, set_cookie: None },
            None => {
                let (reader_id, cookie) = crate::reader::issue(&state.secret, state.site.secure_cookies());
                Visitor { reader_id, ip, set_cookie: Some(cookie) }
            }
        }
    }

    /// The visitor of the request a server function is answering.
    pub fn current(state: &AppState) -> Visitor {
        match leptos::prelude::use_context::<http::request::Parts>() {
            Some(parts) => Visitor::of(&parts.headers, &parts.extensions, state),
            None => Visitor::of(&http::HeaderMap::new(), &http::Extensions::new(), state),
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

/// The reader id of the current request, without issuing one (page renders stay cookie-free).
pub fn known_reader(state: &AppState) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    crate::reader::from_headers(&parts.headers, &state.secret)
}

fn client_ip(headers: &http::HeaderMap, extensions: &http::Extensions, trust_proxy: bool) -> IpAddr {
    if trust_proxy {
        if let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
        {
            return ip;
        }
    }
    extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
}
