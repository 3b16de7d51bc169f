//! Valid HTML from the renderer, in one pass over each page before it is compressed:
//! - leptos appends its (here empty: islands carry their own data) resource scripts after
//!   `</html>`; they move inside `<body>`, where HTML allows a script;
//! - tachys marks an empty spot with `<!>`, which the HTML parser reads as an empty comment
//!   but reports as a parse error ("bogus comment"); it becomes `<!---->`, the same node.
//!   Only in markup: never inside a tag, an attribute, a script, a style or a textarea;
//! - the page gets its Content-Security-Policy: the inline scripts Byline writes, by hash
//!   (`csp::Scripts`, hashed once at start-up), so the same bytes can be served to everyone (a
//!   per-render nonce would make every answer different, and a shared one worthless) and any
//!   other inline script is refused by the browser.
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// Pages larger than this are refused with a 500 and logged (none is near it: a page shows at
/// most a hundred comments).
const LIMIT: usize = 16 * 1024 * 1024;

/// Marks an answer whose page was tidied already (the page cache tidies what it keeps).
#[derive(Debug, Clone, Copy)]
pub struct Tidied;

pub async fn tidy_pages(
    axum::extract::State(scripts): axum::extract::State<std::sync::Arc<crate::server::csp::Scripts>>,
    req: Request,
    next: Next,
) -> Response {
    let res = next.run(req).await;
    let html = res
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html
        || res.headers().contains_key(http::header::CONTENT_ENCODING)
        || res.extensions().get::<Tidied>().is_some()
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, LIMIT).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "a page could not be read to tidy it");
            let mut res = Response::new(Body::from("The page could not be sent. Please try again."));
            *res.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
            return res;
        }
    };
    let out = match std::str::from_utf8(&bytes) {
        Ok(text) => {
            let page = tidy(text);
            if let Some(csp) = scripts.policy_for(&inline_scripts(&page)) {
                parts.headers.insert(http::header::CONTENT_SECURITY_POLICY, csp);
            }
            page.into_bytes()
        }
        Err(_) => bytes.to_vec(),
    };
    parts.headers.remove(http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// The page with its trailing scripts inside `<body>` and `<!>` written `<!---->`.
pub fn tidy(page: &str) -> String {
    let (doc, tail) = match page.rfind("</html>") {
        Some(i) => (&page[..i + "</html>".len()], &page[i + "</html>".len()..]),
        None => (page, ""),
    };
    let doc = empty_comments(doc);
    if tail.trim().is_empty() {
        return doc;
    }
    match doc.rfind("</body>") {
        Some(i) => format!("{}{tail}{}", &doc[..i], &doc[i..]),
        None => format!("{doc}{tail}"),
    }
}

/// The text of each inline script the browser would run (not `src` ones, not JSON data blocks).
pub fn inline_scripts(doc: &str) -> Vec<&str> {
    let b = doc.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i = doc[i..].find('<').map_or(b.len(), |n| i + n);
            continue;
        }
        let rest = &doc[i..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(b.len(), |e| i + e + 3);
        } else if let Some(end) = raw_text_end(rest) {
            let open = tag_end(rest);
            let is_script = rest.get(1..7).is_some_and(|n| n.eq_ignore_ascii_case("script"));
            if is_script && open <= end {
                let tag = &rest[..open];
                let close = rest[..end].rfind('<').filter(|&c| c >= open).unwrap_or(end);
                if runs(tag) {
                    out.push(&rest[open..close]);
                }
            }
            i += end;
        } else {
            i += tag_end(rest);
        }
    }
    out
}

/// Whether a `<script …>` tag is an inline script a browser runs.
fn runs(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    let attr = |name: &str| -> Option<String> {
        let at = lower.find(&format!(" {name}="))?;
        let v = &lower[at + name.len() + 2..];
        let v = v.trim_start_matches(['"', '\'']);
        Some(v.split(['"', '\'', ' ', '>']).next().unwrap_or_default().to_string())
    };
    if lower.contains(" src=") {
        return false;
    }
    match attr("type") {
        None => true,
        Some(t) => matches!(t.as_str(), "" | "module" | "text/javascript" | "application/javascript"),
    }
}

fn empty_comments(doc: &str) -> String {
    let b = doc.as_bytes();
    let mut out = String::with_capacity(doc.len() + 64);
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i] != b'<' {
            // to the next tag in one step
            i = doc[i..].find('<').map_or(b.len(), |n| i + n);
            continue;
        }
        let rest = &doc[i..];
        if rest.starts_with("<!>") {
            out.push_str(&doc[copied..i]);
            out.push_str("<!---->");
            i += 3;
            copied = i;
        } else if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(b.len(), |e| i + e + 3);
        } else if let Some(end) = raw_text_end(rest) {
            i += end;
        } else {
            i += tag_end(rest);
        }
    }
    out.push_str(&doc[copied..]);
    out
}

/// Past the closing tag of a script, style or textarea that starts here (their text is raw).
fn raw_text_end(rest: &str) -> Option<usize> {
    for name in ["script", "style", "textarea"] {
        let open = rest.get(1..1 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name));
        let boundary = rest
            .as_bytes()
            .get(1 + name.len())
            .is_some_and(|c| matches!(c, b'>' | b' ' | b'\t' | b'\n' | b'/'));
        if open && boundary {
            // the closing tag, any case, found without copying the rest of the page
            let b = rest.as_bytes();
            let close = (1..b.len())
                .find(|&i| {
                    b[i] == b'<'
                        && b.get(i + 1) == Some(&b'/')
                        && b.get(i + 2..i + 2 + name.len())
                            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
                })
                .map_or(rest.len(), |i| i + 2 + name.len());
            return Some(close);
        }
    }
    None
}

/// Past the `>` that ends the tag starting here, skipping quoted attribute values.
fn tag_end(rest: &str) -> usize {
    // the bytes looked for are ASCII: never inside a multi-byte character
    let mut quote = None;
    for (i, &c) in rest.as_bytes().iter().enumerate().skip(1) {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    rest.len()
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn trailing_scripts_move_into_the_body_and_empty_markers_become_comments() {
        let page = "<html><body><p><!></p></body></html><script>a=[];</script>";
        assert_eq!(tidy(page), "<html><body><p><!----></p><script>a=[];</script></body></html>");
    }

    #[test]
    fn text_that_only_looks_like_a_marker_is_left_alone() {
        let page = "<html><body><a aria-label=\"by <!>\" title='<!>'>x</a>\
            <textarea><!></textarea><script>if (a<!>b) {}</script><!-- <!> --><!></body></html>";
        let out = tidy(page);
        assert!(out.contains("aria-label=\"by <!>\" title='<!>'"), "{out}");
        assert!(out.contains("<textarea><!></textarea>"), "{out}");
        assert!(out.contains("<script>if (a<!>b) {}</script>"), "{out}");
        assert!(out.contains("<!-- <!> -->"), "{out}");
        let upper = tidy("<html><body><SCRIPT>x<!>y</Script><!></body></html>");
        assert_eq!(upper, "<html><body><SCRIPT>x<!>y</Script><!----></body></html>");
        assert!(out.ends_with("<!----></body></html>"), "{out}");
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_tidied_without_panicking(page in "(<|>|!|-|\"|'|/|script|html|body|textarea|\\PC){0,80}") {
            let out = tidy(&page);
            // nothing is lost: only markers grow into comments, only the tail moves
            proptest::prop_assert!(out.len() >= page.len());
        }
    }

    #[test]
    fn the_scripts_a_browser_would_run_are_found_and_nothing_else() {
        let page = "<html><head><script type=\"module\">a()</script><script src=\"/x.js\"></script>\
            <script type=\"application/ld+json\">{}</script></head><body><p>&lt;script&gt;b()</p>\
            <textarea><script>c()</script></textarea><script>d()</script></body></html>";
        assert_eq!(super::inline_scripts(page), vec!["a()", "d()"]);
    }

    #[test]
    fn a_page_without_a_tail_or_markers_is_unchanged() {
        let page = "<!DOCTYPE html><html lang=\"en\"><body><p>R&amp;D’s “plan”</p></body></html>";
        assert_eq!(tidy(page), page);
    }
}
