//! The Content-Security-Policy: scripts only from this site and the page's own inline scripts
//! (named by their SHA-256, see `tidy::page_csp`), wasm compiled, nothing framed.
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
