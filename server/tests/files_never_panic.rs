//! Property tests of the files a newsroom brings: a WordPress or Disqus export and a content
//! file of Markdown take any bytes without panicking, and keep the invariants import relies
//! on. The same hostile text as `app/tests/text_never_panics.rs`; CI runs a bounded number of
//! cases (`PROPTEST_CASES`), `scripts/fuzz` runs both for as long as asked.
use app::domain::passage::{anchor, plain_text, selector_at};
use proptest::prelude::*;

#[path = "../../app/tests/common/hostile.rs"]
mod hostile;
use hostile::hostile;

proptest! {
    #[test]
    fn imported_text_converts_anything(s in hostile(), id in any::<i64>()) {
        use server::content::text as t;
        let (html, passages) = t::article_body(&s);
        prop_assert!(!html.contains("<script"));
        for p in passages {
            prop_assert!(!p.question.is_empty());
        }
        let c = t::comment_body(&s);
        prop_assert!(!c.contains("<script") && !c.contains("onclick="));
        let slug = t::slug(&s, &s, id);
        prop_assert!(!slug.is_empty() && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", slug);
        if let Some((up, down)) = t::php_votes(&s) {
            prop_assert!(up >= 0 && down >= 0);
        }
        // an old address is a path: it starts with `/` and carries no query or fragment
        if let Some(path) = t::path_of(&s) {
            prop_assert!(path.starts_with('/') && !path.contains(['?', '#']), "{path:?}");
        }
        // a date read back is the same date written again
        if let Some(at) = t::wp_date(&s) {
            let d = time::OffsetDateTime::from_unix_timestamp(at).unwrap();
            let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
            prop_assert_eq!(t::wp_date(&d.format(&f).unwrap()), Some(at));
        }
        if let Some(at) = t::rfc3339(&s) {
            let d = time::OffsetDateTime::from_unix_timestamp(at).unwrap();
            prop_assert_eq!(t::rfc3339(&d.format(&time::format_description::well_known::Rfc3339).unwrap()), Some(at));
        }
        // paragraphs are made around the text, never from it: every word is still there
        let p = t::autop(&s);
        for w in s.split_whitespace() {
            prop_assert!(p.contains(w), "{w:?} lost in {p:?}");
        }
        // what is taken out is every complete shortcode: none is left behind whole
        let (rest, found) = t::take_feedback_shortcodes(&s);
        prop_assert!(rest.len() <= s.len() + found.len());
        if found.is_empty() {
            prop_assert_eq!(&rest, &s);
        }
    }

    #[test]
    fn the_export_readers_take_any_bytes(s in hostile(), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        use server::content::{disqus::DisqusReader, wxr::WxrReader};
        let wrapped = format!("<rss xmlns:wp=\"w\"><channel><item><wp:post_id>1</wp:post_id><wp:comment>{s}</wp:comment>{s}</item></channel></rss>");
        for input in [wrapped.as_bytes(), s.as_bytes(), &bytes[..]] {
            let mut w = WxrReader::new(input);
            for _ in 0..10_000 { match w.next_item() { Ok(Some(_)) => {}, _ => break } }
            let mut d = DisqusReader::new(input);
            for _ in 0..10_000 { match d.next_item() { Ok(Some(_)) => {}, _ => break } }
        }
    }

    #[test]
    fn passages_go_back_into_any_article_as_shortcodes(s in hostile(), q in hostile(), at in 0usize..300, len in 0usize..100) {
        use server::content::export::body_with_shortcodes;
        use app::server::store::imports::ExportPassage;
        let html = app::server::text_to_html::article_html(&s);
        let p = ExportPassage { id: 1, key: Some("k".into()), question: q, start: at, end: at + len };
        let out = body_with_shortcodes(&html, &[p]);
        prop_assert!(!out.contains("<mark"));
    }

    #[test]
    fn a_content_file_of_any_text_is_read_or_refused(s in hostile()) {
        let _ = server::article_files::parse_article("x.md", &s, 0);
        let _ = server::article_files::parse_article("x.md", &format!("---\ntitle: T\nslug: t\nsection: S\nstandfirst: s\n---\n{s}"), 0);
    }
}

#[test]
fn entities_before_typographic_punctuation_do_not_stop_an_article() {
    // the bug: a byte slice cut inside `’` while looking for an entity's `;`
    for body in ["R&D’s “plan”", "AT&T’s “view”", "Q&A — the answers", "&’’’’’’’’’’’’’;"]
    {
        let src = format!("---\ntitle: T\nslug: t\nsection: S\nstandfirst: s\n---\n{body}\n");
        let a = server::article_files::parse_article("t.md", &src, 0).expect("parses");
        let t = plain_text(&a.body_html);
        assert!(t.contains('&') && !t.contains("&amp;"), "{t}");
        let quote = selector_at(&t, 0, t.chars().count());
        assert_eq!(anchor(&t, &quote), Some((0, t.chars().count())));
    }
}
