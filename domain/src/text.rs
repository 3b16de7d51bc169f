//! Validation of the text fields readers type.

/// Trims and checks a required one-line field by characters (not bytes).
pub fn required_line(value: &str, label: &str, max: usize) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(format!("Please enter your {label}."));
    }
    let n = v.chars().count();
    if n > max {
        return Err(format!("{} must be at most {max} characters (it has {n}).", capitalise(label)));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(format!("{} cannot contain control characters.", capitalise(label)));
    }
    Ok(v.to_string())
}

/// Trims and checks a multi-line text by characters.
pub fn required_text(value: &str, label: &str, max: usize) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(format!("Please write your {label}."));
    }
    let n = v.chars().count();
    if n > max {
        return Err(format!("Your {label} is too long: {n} characters, the limit is {max}."));
    }
    // every line break one `\n`: CRLF as browsers send it, and a lone CR (which would otherwise
    // sit before a CRLF and survive as one)
    Ok(v.replace("\r\n", "\n").replace('\r', "\n"))
}

/// A pragmatic email check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn email(value: &str) -> Result<String, String> {
    let v = value.trim();
    let bad = || Err("Please enter a valid email address, like name@example.com.".to_string());
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad();
    }
    let Some((local, domain)) = v.rsplit_once('@') else { return bad() };
    if local.is_empty()
        || local.contains('@')
        || local.len() > 64
        || domain.len() < 3
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
        || !domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
    {
        return bad();
    }
    // lower-cased whole (Unicode, not only ASCII): one address is one key for subscriptions,
    // limits, bans and readers' data requests, however it was typed (`ZOË@x.com`, `zoë@x.com`)
    let folded = v.to_lowercase();
    if folded.len() > 254 {
        return bad();
    }
    Ok(folded)
}

/// An address that passed `email`, lower-cased: what subscriptions, limits and mail are keyed
/// by. Only `Email::parse` makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Email, String> {
        email(value).map(|e| Email(e.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Empty means "not given"; anything else must be a valid address.
pub fn optional_email(value: &str) -> Result<Option<String>, String> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        email(value).map(Some)
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Escapes text for HTML element content and attribute values.
/// Only the characters XML 1.0 allows (no C0 controls but tab and newlines, no U+FFFE/FFFF):
/// a feed or an export with one of the others is refused whole by strict readers.
pub fn xml_chars(s: &str) -> std::borrow::Cow<'_, str> {
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}');
    if s.chars().all(allowed) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.chars().filter(|c| allowed(*c)).collect())
    }
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Cuts `s` to at most `max` characters at a word boundary, adding an ellipsis.
pub fn excerpt(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation()))
}

/// The longest address a story or an author page has.
pub const MAX_SLUG: usize = 100;

/// Whitespace runs (line breaks, tabs, NULs) as one space, trimmed.
pub fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `s` can be a story's address: `a-z`, `0-9` and single hyphens inside.
pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// An address made from a headline: ASCII letters and digits lower-cased, everything else a
/// hyphen, at most `MAX_SLUG` long; "story" when nothing is left (a headline in another script).
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        let c = match c {
            'à'..='å' | 'À'..='Å' => 'a',
            'ç' | 'Ç' => 'c',
            'è'..='ë' | 'È'..='Ë' => 'e',
            'ì'..='ï' | 'Ì'..='Ï' | 'ı' | 'İ' => 'i',
            'ñ' | 'Ñ' => 'n',
            'ò'..='ö' | 'Ò'..='Ö' | 'ø' => 'o',
            'ù'..='ü' | 'Ù'..='Ü' => 'u',
            'ş' | 'Ş' => 's',
            'ğ' | 'Ğ' => 'g',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            continue;
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= MAX_SLUG {
            break;
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "story".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_line_trims_and_counts_characters_not_bytes() {
        assert_eq!(required_line("  Ada  ", "name", 80).unwrap(), "Ada");
        assert!(required_line("   ", "name", 80).unwrap_err().contains("enter your name"));
        assert!(required_line(&"é".repeat(80), "name", 80).is_ok());
        let err = required_line(&"é".repeat(81), "name", 80).unwrap_err();
        assert!(err.contains("at most 80"), "{err}");
        assert!(required_line("a\u{7}b", "name", 80).is_err());
    }

    #[test]
    fn an_email_is_made_only_from_a_valid_address_and_compares_lower_cased() {
        let a = Email::parse("  Ada@Example.ORG ").unwrap();
        assert_eq!(a, Email::parse("ada@example.org").unwrap());
        assert_eq!(a.as_str(), "ada@example.org");
        assert!(Email::parse("not-an-address").is_err());
        assert!(Email::parse("").is_err());
    }

    #[test]
    fn email_accepts_ordinary_addresses_and_refuses_malformed_ones() {
        // one address, one key: lower-cased whole, not only its ASCII letters
        assert_eq!(email(" Reader@Example.COM ").unwrap(), "reader@example.com");
        assert_eq!(email("ZOË@Example.COM").unwrap(), "zoë@example.com");
        assert!(email("first.last+tag@sub.example.co.uk").is_ok());
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@b",
            "a@.com",
            "a@example.",
            "a b@example.com",
            "a@exa mple.com",
            "a@@example.com",
            "a@example..com",
            "<a>@example.com>",
        ] {
            assert!(email(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(optional_email("  ").unwrap(), None);
    }

    #[test]
    fn text_limits_apply_after_trimming() {
        let body = format!("  {}  ", "x".repeat(10_000));
        assert_eq!(required_text(&body, "comment", 10_000).unwrap().len(), 10_000);
        assert!(required_text(&"x".repeat(10_001), "comment", 10_000).unwrap_err().contains("10001"));
        assert!(required_text("\n \t", "comment", 10_000).is_err());
    }

    #[test]
    fn escape_html_neutralises_markup() {
        assert_eq!(
            escape_html("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("the quick brown fox jumps", 12), "the quick…");
    }
}

/// Plain text of the small HTML our renderers produce (paragraphs, breaks, entities).
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for ch in html.chars() {
        match (in_tag, ch) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let t = tag.trim_start_matches('/').to_ascii_lowercase();
                if (t.starts_with('p') || t.starts_with("br")) && !out.ends_with('\n') && !out.is_empty() {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

#[cfg(test)]
mod html_text_tests {
    use super::*;

    #[test]
    fn html_to_text_reverses_comment_rendering() {
        assert_eq!(html_to_text("<p>a &lt;b&gt; &amp;amp;<br>c</p><p>d</p>"), "a <b> &amp;\nc\nd");
    }
}
