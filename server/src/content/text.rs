//! Turning another system's text into ours: WordPress dates, paragraphs (`wpautop`), the
//! wpDiscuz feedback shortcode, serialized vote counts, and sanitising with our own rules.
use app::domain::passage::FeedbackPassage;

/// `2026-01-15 09:30:00` (UTC for `_gmt` fields) → unix seconds. WordPress writes
/// `0000-00-00 00:00:00` for "never".
pub fn wp_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.starts_with("0000") {
        return None;
    }
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s, f).ok().map(|t| t.assume_utc().unix_timestamp())
}

/// Disqus' `2013-01-01T00:00:00Z`.
pub fn rfc3339(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// A slug as ours are written (lowercase ASCII letters, digits, `-`), from WordPress's
/// `post_name` (percent-encoded when it was not ASCII), else the title, else `post-ID`.
pub fn slug(post_name: &str, title: &str, id: i64) -> String {
    let decoded = percent_decode(post_name);
    for source in [decoded.as_str(), title] {
        let mut s = String::new();
        for c in source.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                s.push(c);
            } else if !s.ends_with('-') && !s.is_empty() {
                s.push('-');
            }
            if s.len() >= 96 {
                break;
            }
        }
        let s = s.trim_matches('-').to_string();
        if !s.is_empty() {
            return s;
        }
    }
    format!("post-{id}")
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && s.is_char_boundary(i + 3) {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The path of an address (`https://x.org/2026/01/15/a/?p=1` → `/2026/01/15/a/`), the key old
/// links are found by.
pub fn path_of(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map(|(_, r)| r).unwrap_or(url.trim());
    let path = match rest.find('/') {
        Some(i) => &rest[i..],
        None => "/",
    };
    let path = path.split(['?', '#']).next().unwrap_or("/");
    (!path.is_empty()).then(|| path.to_string())
}

const BLOCKS: [&str; 14] = [
    "<p",
    "<div",
    "<ul",
    "<ol",
    "<blockquote",
    "<pre",
    "<h1",
    "<h2",
    "<h3",
    "<h4",
    "<table",
    "<figure",
    "<hr",
    "<h5",
];

/// WordPress keeps text without paragraphs and adds them when it shows it (`wpautop`): a blank
/// line is a paragraph, a single line break is `<br>`. Text that has block tags already is kept.
pub fn autop(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if BLOCKS.iter().any(|b| lower.contains(b)) {
        return text.to_string();
    }
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len() + 32);
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        out.push_str(&para.replace('\n', "<br>\n"));
        out.push_str("</p>\n");
    }
    out
}

/// A post's body: the feedback shortcodes taken out (their passages returned), paragraphs
/// made, sanitised with the rules our own articles follow.
pub fn article_body(content: &str) -> (String, Vec<FeedbackPassage>) {
    let (text, shortcodes) = take_feedback_shortcodes(content);
    let html = ammonia::Builder::default().link_rel(Some("noopener")).clean(&autop(&text)).to_string();
    let passages = shortcodes
        .into_iter()
        .filter_map(|s| {
            let passage = app::domain::passage::plain_text(&s.inner);
            (!passage.trim().is_empty()).then(|| FeedbackPassage {
                id: (!s.id.is_empty()).then_some(s.id),
                passage,
                question: match app::domain::text::html_to_text(&s.question).trim() {
                    "" => "What do you think?".into(),
                    q => q.to_string(),
                },
            })
        })
        .collect();
    (html, passages)
}

/// An imported comment's HTML: the tags our comments allow (plus `b`, `i`), links
/// `nofollow ugc`, everything else dropped.
pub fn comment_body(content: &str) -> String {
    app::server::text_to_html::clean_comment(&autop(content), &["b", "i"])
}

pub struct Shortcode {
    pub id: String,
    pub question: String,
    pub opened: bool,
    pub inner: String,
}

const OPEN: &str = "[wpdiscuz-feedback";
const CLOSE: &str = "[/wpdiscuz-feedback]";

/// `[wpdiscuz-feedback id="…" question="…" opened="0"]passage[/wpdiscuz-feedback]` → the
/// passage stays as text; the shortcodes, in order, are returned.
pub fn take_feedback_shortcodes(content: &str) -> (String, Vec<Shortcode>) {
    let mut out = String::with_capacity(content.len());
    let mut found = Vec::new();
    let mut rest = content;
    // once a search for the closing tag has failed, every later one would too: linear time
    let mut closes = true;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len()..];
        let Some(end_tag) = after.find(']') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let attrs = &after[..end_tag];
        let body = &after[end_tag + 1..];
        let (inner, tail) = match if closes { body.find(CLOSE) } else { None } {
            Some(i) => (&body[..i], &body[i + CLOSE.len()..]),
            None => {
                closes = false;
                ("", body)
            }
        };
        out.push_str(inner);
        found.push(Shortcode {
            id: attr(attrs, "id").unwrap_or_default(),
            question: attr(attrs, "question").unwrap_or_default(),
            opened: attr(attrs, "opened").is_some_and(|v| v == "1"),
            inner: inner.to_string(),
        });
        rest = tail;
    }
    out.push_str(rest);
    (out, found)
}

fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        let i = rest.find(name)?;
        let before_ok = i == 0 || rest[..i].ends_with(char::is_whitespace);
        let after = rest[i + name.len()..].trim_start();
        if before_ok {
            if let Some(v) = after.strip_prefix('=') {
                let v = v.trim_start();
                for q in ['"', '\''] {
                    if let Some(body) = v.strip_prefix(q) {
                        return Some(body.split(q).next().unwrap_or("").to_string());
                    }
                }
                return Some(v.split_whitespace().next().unwrap_or("").to_string());
            }
        }
        rest = &rest[i + name.len()..];
    }
}

/// The most votes a comment can carry over (a file claiming more is clamped).
pub const VOTES_MAX: i64 = 1_000_000_000;

/// wpDiscuz's `wpdiscuz_votes_seperate`, a PHP-serialized `a:2:{s:4:"like";i:27;s:7:"dislike";i:6;}`
/// → (likes, dislikes). Dislikes are counted positive (older versions stored them negative).
pub fn php_votes(s: &str) -> Option<(i64, i64)> {
    let number = |key: &str| -> Option<i64> {
        let at = s.find(&format!("\"{key}\";"))? + key.len() + 3;
        let rest = s[at..].strip_prefix("i:")?;
        rest.split(';').next()?.trim().parse::<i64>().ok()
    };
    let like = number("like");
    let dislike = number("dislike");
    (like.is_some() || dislike.is_some()).then(|| {
        (like.unwrap_or(0).clamp(0, VOTES_MAX), dislike.unwrap_or(0).saturating_abs().min(VOTES_MAX))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wpdiscuz_votes() {
        assert_eq!(php_votes(r#"a:2:{s:4:"like";i:27;s:7:"dislike";i:6;}"#), Some((27, 6)));
        assert_eq!(php_votes(r#"a:2:{s:4:"like";i:0;s:7:"dislike";i:-3;}"#), Some((0, 3)));
        assert_eq!(php_votes("21"), None);
        assert_eq!(php_votes(r#"a:1:{s:4:"like";i:"#), None);
    }

    #[test]
    fn takes_the_feedback_shortcode_out() {
        let (text, found) = take_feedback_shortcodes(
            r#"<p>[wpdiscuz-feedback id="a1" question="Fair?" opened="0"]The passage[/wpdiscuz-feedback]: rest.</p>"#,
        );
        assert_eq!(text, "<p>The passage: rest.</p>");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].id.as_str(), found[0].question.as_str(), found[0].opened),
            ("a1", "Fair?", false)
        );
        assert_eq!(found[0].inner, "The passage");
        // an unclosed one keeps the text, not the shortcode
        let (text, found) = take_feedback_shortcodes("a [wpdiscuz-feedback id='x']b");
        assert_eq!((text.as_str(), found.len()), ("a b", 1));
    }

    #[test]
    fn dates_slugs_and_paths() {
        assert_eq!(wp_date("2026-01-15 09:30:00"), Some(1_768_469_400));
        assert_eq!(wp_date("0000-00-00 00:00:00"), None);
        assert_eq!(slug("article-n200", "", 5), "article-n200");
        assert_eq!(slug("%e4%b8%ad%e6%96%87", "China & Turkey", 5), "china-turkey");
        assert_eq!(slug("", "中文", 7), "post-7");
        assert_eq!(path_of("https://news.example.org/2026/01/15/a/?x=1#c"), Some("/2026/01/15/a/".into()));
        assert_eq!(path_of("https://news.example.org"), Some("/".into()));
    }

    #[test]
    fn paragraphs_like_wordpress_and_sanitised() {
        assert_eq!(autop("a\nb\n\nc"), "<p>a<br>\nb</p>\n<p>c</p>\n");
        let html = comment_body("<script>x()</script>Hi <a href=\"https://e.org\" onclick=\"y()\">e</a>");
        assert!(!html.contains("script") && !html.contains("onclick"), "{html}");
        assert!(html.contains("rel=\"nofollow ugc noopener\""), "{html}");
    }
}
