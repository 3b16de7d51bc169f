//! The Content-Security-Policy: scripts only from this site and the inline scripts Byline
//! itself writes (named by their SHA-256, computed once at start-up: `Scripts`), wasm compiled,
//! nothing framed.
//! Styles come from the stylesheet; `style` attributes (an avatar's hue, a popover's position)
//! are allowed, since comment text never carries one (ammonia strips them).

/// For answers without scripts (plain pages, JSON, files).
pub const NO_SCRIPTS: &str = "default-src 'self'; script-src 'none'; style-src 'self'; \
     style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// For a page whose inline scripts have these hashes (`'sha256-…'` each).
pub fn for_hashes(hashes: &[String]) -> String {
    format!(
        "default-src 'self'; script-src 'self' {} 'wasm-unsafe-eval'; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        hashes.join(" ")
    )
}

/// The inline scripts Byline writes into its pages (the islands' loader and the page swapper,
/// the same on every page), hashed once at start-up. A page's policy names exactly these: any
/// other inline script a page carries — which only an injection could have put there — is
/// refused by the browser, and logged here as the bug it is.
pub struct Scripts {
    texts: Vec<String>,
    policy: http::HeaderValue,
}

impl Scripts {
    pub fn new(texts: Vec<String>) -> Scripts {
        use base64::Engine;
        use sha2::Digest;
        let hashes: Vec<String> = texts
            .iter()
            .map(|s| {
                let digest = sha2::Sha256::digest(s.as_bytes());
                format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
            })
            .collect();
        let policy = http::HeaderValue::from_str(&for_hashes(&hashes))
            .unwrap_or_else(|_| http::HeaderValue::from_static(NO_SCRIPTS));
        Scripts { texts, policy }
    }

    /// The policy for a page carrying the inline scripts `found` (`tidy::inline_scripts`):
    /// Byline's own by hash, `None` when it carries none (it gets `NO_SCRIPTS`). An inline
    /// script that is not Byline's is not named (the browser will not run it) and is logged as
    /// an error.
    pub fn policy_for(&self, found: &[&str]) -> Option<http::HeaderValue> {
        if found.is_empty() {
            return None;
        }
        for script in found.iter().filter(|s| !self.texts.iter().any(|t| t == *s)) {
            let start: String = script.chars().take(80).collect();
            tracing::error!(
                script = %start,
                "a page carries an inline script Byline did not write: the browser refuses it (a bug to fix)"
            );
        }
        Some(self.policy.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `f` logged, as text.
    fn logged(f: impl FnOnce()) -> String {
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Buf(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber =
            tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
        tracing::subscriber::with_default(subscriber, f);
        let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        out
    }

    fn hash(s: &str) -> String {
        use base64::Engine;
        use sha2::Digest;
        format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(s)))
    }

    /// The policy for a whole page, as the tidy pass asks for it.
    fn policy_of(scripts: &Scripts, page: &str) -> Option<http::HeaderValue> {
        scripts.policy_for(&crate::server::tidy::inline_scripts(page))
    }

    #[test]
    fn only_byline_s_own_scripts_are_named_and_any_other_is_logged() {
        let scripts = Scripts::new(vec!["loader()".into(), "enhance()".into()]);
        let ours = "<html><head><script type=\"module\">loader()</script><script>enhance()</script></head>\
                    <body><script type=\"application/ld+json\">{}</script></body></html>";
        let mut policy = None;
        let log = logged(|| policy = policy_of(&scripts, ours));
        let policy = policy.expect("a page with scripts gets a policy");
        let policy = policy.to_str().unwrap();
        assert!(policy.contains(&hash("loader()")) && policy.contains(&hash("enhance()")), "{policy}");
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
        assert!(log.is_empty(), "nothing to report: {log}");

        let injected = ours.replace("<body>", "<body><script>steal(document.cookie)</script>");
        let mut policy = None;
        let log = logged(|| policy = policy_of(&scripts, &injected));
        let policy = policy.unwrap();
        let policy = policy.to_str().unwrap();
        assert!(
            !policy.contains(&hash("steal(document.cookie)")),
            "the injected script is not named: {policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
        assert!(
            log.contains("ERROR")
                && log.contains("inline script Byline did not write")
                && log.contains("steal("),
            "{log}"
        );
        // the same policy whatever the page: computed once
        assert_eq!(policy_of(&scripts, ours), policy_of(&scripts, &injected));
        assert!(policy_of(&scripts, "<html><body><p>no scripts</p></body></html>").is_none());
    }
}
