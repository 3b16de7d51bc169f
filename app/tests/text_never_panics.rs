//! Property tests: every function that reads text a person wrote (a reader's comment, an
//! editor's article, a selected quote) takes any Unicode without panicking, and keeps the
//! invariants the pages rely on. CI runs a bounded number of cases (`PROPTEST_CASES`, 256 by
//! default); `scripts/fuzz` runs them for as long as asked.
use app::domain::passage::{anchor, highlight, normalize, plain_text, selector_at, words, Mark, Selector};
use app::domain::text;
use proptest::prelude::*;

#[path = "common/hostile.rs"]
mod hostile;
use hostile::hostile;

proptest! {
    #[test]
    fn a_url_loses_its_password_whatever_it_holds(user in hostile(), password in "[^@/?#]{1,20}", host in hostile(), tail in hostile()) {
        let url = format!("postgres://{user}:{password}@{host}/{tail}");
        let shown = app::server::mail::without_password(&url);
        // the password is gone unless the user or host text happens to contain it
        if !user.contains(&password) && !host.contains(&password) && !tail.contains(&password)
            && !user.contains(['@', '/', '?', '#']) {
            prop_assert!(!shown.contains(&password), "{shown}");
        }
        let _ = app::server::mail::without_password(&tail);
    }

    #[test]
    fn comment_markdown_renders_anything(s in hostile()) {
        let html = app::server::text_to_html::comment_html(&s);
        prop_assert!(!html.contains("<script"), "{html}");
        prop_assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn article_markdown_renders_anything(s in hostile()) {
        let html = app::server::text_to_html::article_html(&s);
        prop_assert!(!html.contains("<script"), "{html}");
        // the article pipeline then reads its own HTML back as text
        let _ = plain_text(&html);
    }

    #[test]
    fn plain_text_is_collapsed_and_trimmed(s in hostile()) {
        let t = plain_text(&s);
        prop_assert_eq!(t.trim(), t.as_str());
        prop_assert!(!t.contains("  "), "{t:?}");
    }

    #[test]
    fn a_selected_quote_is_found_again(s in hostile(), a in 0usize..400, len in 1usize..200) {
        let html = app::server::text_to_html::article_html(&s);
        let t = plain_text(&html);
        let n = t.chars().count();
        let start = a.min(n);
        let end = (start + len).min(n);
        let sel = selector_at(&t, start, end);
        if let Some((s0, e0)) = anchor(&t, &sel) {
            prop_assert!(s0 <= e0 && e0 <= n);
            let found: String = t.chars().skip(s0).take(e0 - s0).collect();
            prop_assert_eq!(found, sel.exact.clone());
        } else {
            prop_assert!(sel.exact.is_empty());
        }
        // highlighting it keeps the text as it was (the page puts the blocks side by side)
        if end > start {
            let blocks = highlight(&html, &[Mark { id: 1, start, end, after_html: String::new() }]);
            let joined: String = blocks.iter().map(|b| b.html.as_str()).collect();
            prop_assert_eq!(normalize(&plain_text(&joined)), normalize(&t));
        }
    }

    #[test]
    fn re_anchoring_after_any_edit_never_panics(
        before in hostile(), after in hostile(), exact in hostile(), prefix in hostile(),
        suffix in hostile(), position in any::<usize>(),
    ) {
        let sel = Selector { exact, prefix, suffix, position };
        let edited = plain_text(&app::server::text_to_html::article_html(&format!("{before}{}{after}", sel.exact)));
        if let Some((s0, e0)) = anchor(&edited, &sel) {
            prop_assert!(s0 <= e0 && e0 <= edited.chars().count());
        }
        let _ = anchor(&before, &sel);
    }

    #[test]
    fn marks_anywhere_keep_the_html_whole(s in hostile(), marks in prop::collection::vec((0usize..300, 0usize..300), 0..5)) {
        let marks: Vec<Mark> = marks
            .into_iter()
            .enumerate()
            .map(|(i, (a, b))| Mark { id: i as i64, start: a.min(b), end: a.max(b), after_html: String::new() })
            .collect();
        let _ = highlight(&s, &marks);
        // on an article's own (sanitised) HTML, marks change no word of its text
        let html = app::server::text_to_html::article_html(&s);
        let joined: String = highlight(&html, &marks).iter().map(|b| b.html.as_str()).collect();
        prop_assert_eq!(normalize(&plain_text(&joined)), normalize(&plain_text(&html)));
    }

    #[test]
    fn excerpts_and_words_cut_on_characters(s in hostile(), max in 0usize..120, n in 0usize..30) {
        let e = text::excerpt(&s, max);
        prop_assert!(e.chars().count() <= max.max(1) + 1, "{e:?}");
        // an excerpt is the start of the text (trimmed), or all of it
        let start = e.trim_end_matches('…');
        prop_assert!(s.trim().starts_with(start), "{e:?} of {s:?}");
        let w = words(&s, n);
        prop_assert!(w.trim_end_matches('…').split_whitespace().count() <= n, "{w:?}");
        // escaped text has no markup left, and reads back as the text
        let esc = text::escape_html(&s);
        prop_assert!(!esc.contains(['<', '>', '"', '\'']), "{esc:?}");
        let back = esc.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
        prop_assert_eq!(back, s);
    }

    #[test]
    fn form_fields_are_checked_without_panicking(s in hostile()) {
        // what a field takes is what the pages rely on: trimmed, within its length, a line
        // without control characters, an address lower-cased with one `@`
        if let Ok(line) = text::required_line(&s, "name", 80) {
            prop_assert!(!line.is_empty() && line.trim() == line && line.chars().count() <= 80);
            prop_assert!(!line.chars().any(char::is_control), "{line:?}");
        }
        if let Ok(body) = text::required_text(&s, "comment", 5000) {
            prop_assert!(!body.is_empty() && body.chars().count() <= 5000 && !body.contains('\r'), "{body:?}");
        }
        if let Ok(e) = text::email(&s) {
            prop_assert_eq!(e.to_lowercase(), e.clone());
            prop_assert!(e.matches('@').count() == 1 && !e.chars().any(char::is_whitespace), "{e:?}");
            prop_assert_eq!(text::email(&e), Ok(e.clone()), "an address taken once is taken again as it is");
        }
        if let Ok(input) = app::domain::CommentInput::parse(&s, &s, &s) {
            prop_assert!(input.name.chars().count() <= 80);
        }
    }

    /// The desk's hold rules read any comment: blocked words (whole words, any case, any
    /// script) and links. A word set apart by spaces in any text is found, in any case.
    #[test]
    fn hold_rules_read_any_text(s in hostile(), t in hostile(), w in hostile(), word in "[a-zA-Zà-öø-ÿ]{1,12}") {
        use app::domain::desk::{contains_word, count_links, hold_reason, ModerationSettings};
        let _ = contains_word(&s, &w);
        let links = count_links(&s);
        let text = format!("{} {} {}", s, word.to_uppercase(), t);
        prop_assert!(contains_word(&text, &word.to_lowercase()), "{:?} in {:?}", word, text);
        // a blocked word in a comment holds it, whatever else the comment says
        let settings = ModerationSettings { block_words: vec![word.clone()], max_links: 1000, ..Default::default() };
        prop_assert!(hold_reason(&settings, &text, Some("a@b.example"), true).is_some(), "{:?}", text);
        let settings = ModerationSettings { block_words: vec![w.clone()], max_links: 0, ..Default::default() };
        let _ = hold_reason(&settings, &s, Some(&w), false);
        // one more link is counted as one more
        let with_link = format!("{} https://x.example", s);
        prop_assert_eq!(count_links(&with_link), links + 1);
    }
}

#[test]
fn a_hundred_kilobyte_line_is_handled() {
    let line = "R&D’s “plan” 👩\u{200d}👩\u{200d}👧 e\u{301} ".repeat(100_000 / 30);
    let html = app::server::text_to_html::article_html(&line);
    let t = plain_text(&html);
    let n = t.chars().count();
    let sel = selector_at(&t, n / 2, n / 2 + 40);
    assert!(anchor(&t, &sel).is_some());
    assert!(!app::server::text_to_html::comment_html(&"🙂".repeat(25_000)).is_empty());
    assert!(text::excerpt(&line, 85).chars().count() <= 86);
}
