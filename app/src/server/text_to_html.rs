//! Turning text into HTML, always through ammonia.
use std::collections::HashSet;

/// Article Markdown (editor-written) to sanitised HTML.
pub fn article_html(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, Options::ENABLE_SMART_PUNCTUATION));
    ammonia::Builder::default().link_rel(Some("noopener")).clean(&out).to_string()
}

/// A reader's comment, written in a Markdown subset — paragraphs, emphasis, links, inline code,
/// code blocks, block quotes, lists — to sanitised HTML. Raw HTML is shown as text, headings
/// become bold paragraphs, images become links, and every link is `nofollow ugc noopener`.
pub fn comment_html(text: &str) -> String {
    use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
    let opts = Options::ENABLE_STRIKETHROUGH;
    let mut in_image = false;
    let events = Parser::new_ext(text, opts).filter_map(|ev| {
        Some(match ev {
            // markup typed by the reader is text, not HTML
            Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
            Event::Start(Tag::Heading { .. }) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::Heading(_)) => Event::End(TagEnd::Paragraph),
            Event::Start(Tag::Image { dest_url, title, id, .. }) => {
                in_image = true;
                Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, title, id })
            }
            Event::End(TagEnd::Image) => {
                in_image = false;
                Event::End(TagEnd::Link)
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => return None,
            Event::SoftBreak => Event::HardBreak,
            Event::Text(t) if in_image && t.is_empty() => Event::Text(CowStr::Borrowed("image")),
            other => other,
        })
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    clean_comment(&out, &[])
}

/// The tags a comment may keep (plus `extra`), links `nofollow ugc noopener` to http(s) and
/// mail only: every comment's HTML passes here, ours and imported ones.
pub fn clean_comment(html: &str, extra: &[&'static str]) -> String {
    let tags: HashSet<&str> =
        ["p", "br", "em", "strong", "del", "a", "code", "pre", "blockquote", "ul", "ol", "li"]
            .into_iter()
            .chain(extra.iter().copied())
            .collect();
    ammonia::Builder::default()
        .tags(tags)
        .tag_attributes(Default::default())
        .add_tag_attributes("a", ["href", "title"])
        .add_tag_attributes("ol", ["start"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow ugc noopener"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_tags_are_shown_as_text() {
        let html = comment_html("<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"), "{html}");
    }

    #[test]
    fn inline_html_and_event_handlers_are_text() {
        let html = comment_html(r#"Hi <b onclick="steal()">there</b> <a href="javascript:x()">y</a>"#);
        assert!(!html.contains("<b"), "{html}");
        assert_eq!(html.matches('<').count(), 2, "only <p> and </p> are tags: {html}");
        assert!(html.contains("&lt;b onclick=\"steal()\"&gt;"), "{html}");
        assert!(!html.contains("<a href=\"javascript"), "{html}");
    }

    #[test]
    fn javascript_and_data_links_lose_their_href() {
        for src in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](data:text/html,hi)",
            "[x](vbscript:msgbox)",
            "<javascript:alert(1)>",
        ] {
            let html = comment_html(src);
            assert!(!html.to_lowercase().contains("href=\"javascript"), "{src}: {html}");
            assert!(!html.contains("href=\"data:"), "{src}: {html}");
            assert!(!html.contains("href=\"vbscript"), "{src}: {html}");
        }
    }

    #[test]
    fn links_are_nofollow_ugc_noopener() {
        let html = comment_html("see [the treaty](https://example.org/treaty \"text\")");
        assert!(
            html.contains(r#"<a href="https://example.org/treaty" title="text" rel="nofollow ugc noopener">the treaty</a>"#),
            "{html}"
        );
    }

    #[test]
    fn the_markdown_subset_renders() {
        let html = comment_html(
            "*em* **strong** `code` ~~gone~~\n\n> quoted\n\n- one\n- two\n\n3. three\n\n```\nlet x = 1 < 2;\n```",
        );
        for part in [
            "<em>em</em>",
            "<strong>strong</strong>",
            "<code>code</code>",
            "<del>gone</del>",
            "<blockquote>",
            "<ul>",
            "<li>one</li>",
            "<ol start=\"3\">",
            "<pre><code>let x = 1 &lt; 2;",
        ] {
            assert!(html.contains(part), "missing {part} in {html}");
        }
    }

    #[test]
    fn headings_images_and_nested_markup_are_tamed() {
        let html = comment_html(
            "# Big\n\n![alt](https://example.org/x.png)\n\n> - [a](https://a.example) **b <i>c</i>**",
        );
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains("<p>Big</p>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("href=\"https://example.org/x.png\""), "{html}");
        assert!(html.contains("&lt;i&gt;c&lt;/i&gt;"), "{html}");
    }

    #[test]
    fn line_breaks_inside_a_paragraph_are_kept() {
        assert_eq!(comment_html("one\ntwo\n\n\nthree"), "<p>one<br>\ntwo</p>\n<p>three</p>\n");
    }

    #[test]
    fn article_html_drops_scripts() {
        let html = article_html("Hello <script>x()</script> *world*");
        assert!(!html.contains("<script"));
        assert!(html.contains("<em>world</em>"));
    }
}
