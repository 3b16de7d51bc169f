//! Turning text into HTML, always through ammonia.
use crate::domain::text::escape_html;

/// Article Markdown (editor-written) to sanitised HTML.
pub fn article_html(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, Options::ENABLE_SMART_PUNCTUATION));
    ammonia::Builder::default().link_rel(Some("noopener")).clean(&out).to_string()
}

/// A reader's comment (plain text) to HTML: blank lines separate paragraphs, single
/// newlines are line breaks, and every character of markup shows as text.
pub fn comment_html(text: &str) -> String {
    let html: String = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lines: Vec<String> = p.lines().map(|l| escape_html(l.trim_end())).collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect();
    // Escaping already made it inert; ammonia is the second lock on the same door.
    ammonia::Builder::default().tags(["p", "br"].into_iter().collect()).clean(&html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_markup_is_shown_as_text() {
        let html = comment_html("<script>alert(1)</script>\n<img src=x onerror=alert(2)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    }

    #[test]
    fn comment_paragraphs_and_line_breaks() {
        assert_eq!(comment_html("one\ntwo\n\n\nthree"), "<p>one<br>two</p><p>three</p>");
    }

    #[test]
    fn article_html_drops_scripts() {
        let html = article_html("Hello <script>x()</script> *world*");
        assert!(!html.contains("<script"));
        assert!(html.contains("<em>world</em>"));
    }
}
