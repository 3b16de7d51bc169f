use super::html::*;
use super::*;

const TEXT: &str = "The treaty lists reasons for refusing a request. Critics say the reasons for refusing \
                    a request are vague. Ankara has not ratified it.";

fn sel(text: &str, quote: &str, nth: usize) -> Selector {
    let byte = text.match_indices(quote).nth(nth).unwrap().0;
    let start = text[..byte].chars().count();
    selector_at(text, start, start + quote.chars().count())
}

fn quoted(text: &str, at: Option<(usize, usize)>) -> Option<String> {
    at.map(|(s, e)| text.chars().skip(s).take(e - s).collect())
}

#[test]
fn an_exact_quote_is_found_where_it_is() {
    let s = sel(TEXT, "Ankara has not ratified it", 0);
    assert_eq!(quoted(TEXT, anchor(TEXT, &s)).as_deref(), Some("Ankara has not ratified it"));
    assert_eq!(anchor(TEXT, &s).unwrap().0, s.position);
}

#[test]
fn a_quote_that_occurs_twice_is_told_apart_by_its_context() {
    let second = sel(TEXT, "reasons for refusing a request", 1);
    let first = sel(TEXT, "reasons for refusing a request", 0);
    assert_ne!(anchor(TEXT, &first), anchor(TEXT, &second));
    assert_eq!(anchor(TEXT, &second).unwrap().0, second.position);
    // an edit before both moves the positions; the context still picks the second
    let edited = format!("Breaking: {TEXT}");
    let (start, _) = anchor(&edited, &second).unwrap();
    assert_eq!(start, second.position + "Breaking: ".len());
}

#[test]
fn small_edits_around_and_inside_the_quote_keep_the_anchor() {
    let s = sel(TEXT, "the reasons for refusing a request are vague", 0);
    // the context changed
    let around = TEXT.replace("Critics say", "Several critics said").replace("Ankara", "Turkey");
    assert_eq!(
        quoted(&around, anchor(&around, &s)).as_deref(),
        Some("the reasons for refusing a request are vague")
    );
    // the quote itself was corrected
    let inside = TEXT.replace("are vague", "are too vague");
    assert_eq!(
        quoted(&inside, anchor(&inside, &s)).as_deref(),
        Some("the reasons for refusing a request are too vague")
    );
}

#[test]
fn a_deleted_passage_is_not_found() {
    let s = sel(TEXT, "Critics say the reasons for refusing a request are vague.", 0);
    let gone = TEXT.replace("Critics say the reasons for refusing a request are vague. ", "");
    assert_eq!(anchor(&gone, &s), None);
    let rewritten = "Something else entirely happened in Geneva on Tuesday, officials said.";
    assert_eq!(anchor(rewritten, &s), None);
}

#[test]
fn plain_text_collapses_whitespace_and_decodes_entities() {
    let html = "<p>One  <em>two</em>\nthree &amp; four</p>\n<p>Five&nbsp;six</p>\n";
    assert_eq!(plain_text(html), "One two three & four Five six");
    assert_eq!(normalize("  a \n\n b  "), "a b");
}

#[test]
fn highlight_marks_across_tags_and_blocks_and_keeps_offsets() {
    let html = "<p>One <em>two three</em> four.</p>\n<p>Five six.</p>\n";
    let text = plain_text(html);
    let s = sel(&text, "three four. Five", 0);
    let (start, end) = anchor(&text, &s).unwrap();
    let blocks = highlight(html, &[Mark { id: 7, start, end, after_html: "<a class=\"icon\">1</a>".into() }]);
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        blocks[0].html,
        "<p>One <em>two <mark class=\"passage\" id=\"passage-7\" data-passage=\"7\">three</mark></em>\
         <mark class=\"passage\" data-passage=\"7\"> four.</mark></p>"
    );
    assert_eq!(
        blocks[1].html,
        "<p><mark class=\"passage\" data-passage=\"7\">Five</mark><a class=\"icon\">1</a> six.</p>"
    );
    assert_eq!(blocks[1].passages, vec![7]);
    assert!(blocks[0].passages.is_empty());
    // the text is unchanged by the marks
    let joined: String = blocks.iter().map(|b| b.html.clone()).collect::<Vec<_>>().join("\n");
    assert_eq!(plain_text(&joined.replace("<a class=\"icon\">1</a>", "")), text);
}

#[test]
fn words_cuts_long_quotes() {
    assert_eq!(words("a b c", 20), "a b c");
    assert_eq!(words("a b c d", 2), "a b…");
}
