//! The editor: a writer's draft on its way to readers, revisions, two editors at once, the
//! preview, addresses, hostile text, and content files.
use super::*;
use crate::common::forms::link_in;

#[tokio::test]
async fn a_writers_draft_reaches_readers_when_an_editor_publishes_it() {
    let app = spawn().await;
    let writer = staff(&app, "writer").await;
    let id =
        draft(&writer, "Ankara’s quiet exiles", "World", "## What they left\n\nA *first* paragraph.").await;
    let slug = slug_of(&app, id).await;
    assert_eq!(slug, "ankaras-quiet-exiles", "the address comes from the headline");
    assert_eq!(cookieless(&app, &format!("/articles/{slug}")).await.status, 404, "a draft");
    done(&writer, id, "submit").await;
    assert_eq!(stored(&app, id).await.0, "review");
    // the writer can no longer publish, and the editor's list shows it in review
    let page = writer.get(&format!("/desk/stories/{id}")).await.body;
    assert!(!page.contains("value=\"publish\""), "no Publish button for a writer");
    let editor = staff(&app, "editor").await;
    let list = editor.get("/desk/stories").await.body;
    assert!(list.contains("status-review") && list.contains("Ankara’s quiet exiles"), "{list}");
    // front page kept before the publication: the next cookieless view has the story anyway
    assert_eq!(cookieless(&app, "/").await.status, 200);
    done(&editor, id, "publish").await;
    let story = cookieless(&app, &format!("/articles/{slug}")).await;
    assert_eq!(story.status, 200);
    assert!(
        story.body.contains("<h2>What they left</h2>") && story.body.contains("<em>first</em>"),
        "rendered"
    );
    let front = cookieless(&app, "/").await.body;
    assert!(front.contains(&format!("/articles/{slug}")), "on the front page at once");
    assert!(cookieless(&app, "/feed").await.body.contains(&slug), "in the feed at once");
    let sitemap = cookieless(&app, "/sitemap.xml").await.body;
    assert!(sitemap.contains(&slug), "in the sitemap at once");
    for list in ["/archive</loc>", "/section/world</loc>", "/tags/desk-test</loc>", "/authors/writer-"] {
        assert!(sitemap.contains(list), "its list pages are in the sitemap: {list}");
    }
    // every step in the audit log, by name
    let audit = crate::desk::audit(&app).await;
    let steps: Vec<(String, Option<String>)> = audit
        .into_iter()
        .filter(|(_, target, _, _)| target == &format!("story {slug}"))
        .map(|(action, _, _, after)| (action, after))
        .collect();
    assert_eq!(
        steps,
        [
            ("story created".to_string(), Some("draft".to_string())),
            ("story status".into(), Some("review".into())),
            ("story status".into(), Some("published".into())),
        ]
    );
}

#[tokio::test]
async fn the_second_of_two_editors_saving_is_refused_and_keeps_both_texts() {
    let app = spawn().await;
    let (first, id, _) = published(&app, "Two editors", "The text as it was.").await;
    let second = staff(&app, "editor").await;
    // both open the story
    let theirs = editor(&first, &id.to_string()).await;
    let mine = editor(&second, &id.to_string()).await;
    let res =
        theirs.set("body", "The first editor's correction.").press("action", "save").post_plain(&first).await;
    assert_eq!(res.status, 303);
    let res =
        mine.set("body", "The second editor's rewrite.").press("action", "save").post_plain(&second).await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(
        Form::in_page(&res.body, "form.story-editor").value("body"),
        "The second editor's rewrite.",
        "{}",
        res.body
    );
    assert!(res.body.contains("The first editor") && res.body.contains("correction."), "theirs shown beside");
    let body: String = db::query_scalar("SELECT body_markdown FROM articles WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(body, "The first editor's correction.", "the first save stands");
    // the form on the refusal carries the second's text over the current revision: saving it
    // again replaces the first's knowingly
    let again = Form::in_page(&res.body, "form.story-editor");
    assert_eq!(again.value("body"), "The second editor's rewrite.");
    let res = again.press("action", "save").post_plain(&second).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let (_, revision, _, _) = stored(&app, id).await;
    assert_eq!(revision, 3);
    let history = second.get(&format!("/desk/stories/{id}")).await.body;
    assert!(
        history.contains("Revision 3 by")
            && history.contains("Revision 2 by")
            && history.contains("Revision 1 by")
    );
    let old: String = db::query_scalar(
        "SELECT body_markdown FROM article_revisions WHERE article_id = $1 AND revision = 2",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(old, "The first editor's correction.", "every revision kept");
}

#[tokio::test]
async fn preview_renders_the_text_as_readers_will_see_it_and_saves_nothing() {
    let app = spawn().await;
    let writer = staff(&app, "writer").await;
    let id = draft(&writer, "Preview me", "World", "Old text.").await;
    let res = editor(&writer, &id.to_string())
        .await
        .set("body", "## A heading\n\n> A quote\n\n- one\n- two\n\n[link](https://example.org) <script>alert(1)</script>")
        .press("action", "preview")
        .post_plain(&writer)
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let preview = res.body.split("class=\"story-preview\"").nth(1).expect("a preview");
    assert!(
        preview.contains("<h2>A heading</h2>")
            && preview.contains("<blockquote>")
            && preview.contains("<li>one</li>")
    );
    assert!(preview.contains("href=\"https://example.org\""));
    assert!(!preview.contains("<script>alert"), "sanitised like the public page");
    assert_eq!(stored(&app, id).await.1, 1, "nothing saved");
    let form = Form::in_page(&res.body, "form.story-editor");
    assert!(form.value("body").starts_with("## A heading"), "the text stays in the form");
}

#[tokio::test]
async fn hostile_text_comes_back_to_the_editor_exactly_as_typed() {
    let app = spawn().await;
    let editor_s = staff(&app, "editor").await;
    let nasty = "</textarea><script>alert(1)</script>\n&amp; \u{202e}ltr\u{0} end";
    let id = draft(&editor_s, "Hostile <b>headline</b>", "World", nasty).await;
    let form = editor(&editor_s, &id.to_string()).await;
    assert_eq!(form.value("body"), nasty.replace('\0', ""), "NUL dropped, the rest kept");
    assert_eq!(form.value("title"), "Hostile <b>headline</b>");
    let page = editor_s.get(&format!("/desk/stories/{id}")).await.body;
    assert!(!page.contains("<script>alert(1)</script>"), "escaped in the page");
    // a bad address, a missing headline: refused with the text kept
    let res = editor(&editor_s, &id.to_string())
        .await
        .set("slug", "Not A Slug")
        .set("title", "")
        .set("body", "Kept text")
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Give the story a headline.") && res.body.contains("lower-case letters"));
    assert_eq!(Form::in_page(&res.body, "form.story-editor").value("body"), "Kept text");
    // an address another story has
    let other = draft(&editor_s, "Another story", "World", "x").await;
    let res = editor(&editor_s, &other.to_string())
        .await
        .set("slug", &slug_of(&app, id).await)
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 409);
    assert!(res.body.contains("Another story has this address"));
}

#[tokio::test]
async fn a_story_over_four_megabytes_is_refused_and_a_long_one_saved() {
    let app = spawn().await;
    let editor_s = staff(&app, "editor").await;
    let id = draft(&editor_s, "Long read", "World", "Short.").await;
    let long = "word ".repeat(30_000); // 150,000 characters: over the comment forms' 64 KiB
    let res = editor(&editor_s, &id.to_string())
        .await
        .set("body", &long)
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let too_long = "word ".repeat(45_000);
    let res = editor(&editor_s, &id.to_string())
        .await
        .set("body", &too_long)
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 400, "over 200,000 characters");
    assert!(res.body.contains("longer than 200000 characters"));
    let huge = "x".repeat(4_300_000);
    let res = editor(&editor_s, &id.to_string())
        .await
        .set("body", &huge)
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 413);
}

#[tokio::test]
async fn a_story_edited_in_the_desk_is_not_replaced_by_its_file_at_the_next_start() {
    let app = spawn().await;
    let editor_s = staff(&app, "editor").await;
    let id: i64 = db::query_scalar("SELECT id FROM articles WHERE slug = $1")
        .bind(SLUG)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let page = editor_s.get(&format!("/desk/stories/{id}")).await.body;
    assert!(page.contains("came from a content file"), "the desk says where it came from");
    let res = editor(&editor_s, &id.to_string())
        .await
        .set("standfirst", "Edited in the desk.")
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    // the server starts again on the same database and content folder
    let again = spawn_beside(&app, |_| {}).await;
    let story = cookieless(&again, ARTICLE).await;
    assert!(story.body.contains("Edited in the desk."), "the desk's text stays");
    let page = editor_s.get(&format!("/desk/stories/{id}")).await.body;
    assert!(!page.contains("came from a content file"));
}

#[tokio::test]
async fn a_published_story_keeps_its_old_address_when_renamed() {
    let app = spawn().await;
    let (editor_s, id, first) = published(&app, "Rename me", "Text.").await;
    let page = editor_s.get(&format!("/desk/stories/{id}")).await.body;
    assert!(page.contains("keeps the old one working"));
    let res = editor(&editor_s, &id.to_string())
        .await
        .set("slug", "renamed")
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 303);
    let old = cookieless(&app, &format!("/articles/{first}?comment=5")).await;
    assert_eq!((old.status, old.location.as_deref()), (301, Some("/articles/renamed?comment=5")));
    assert_eq!(cookieless(&app, "/articles/renamed").await.status, 200);
    // a draft's address is free: renaming it leaves nothing behind
    let d = draft(&editor_s, "Draft rename", "World", "x").await;
    let res = editor(&editor_s, &d.to_string())
        .await
        .set("slug", "draft-renamed")
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(cookieless(&app, "/articles/draft-rename").await.status, 404);
}

#[tokio::test]
async fn a_correction_shows_on_the_story_moves_its_modified_date_and_reannounces_it() {
    let app = spawn().await;
    let (editor_s, id, slug) = published(&app, "Corrected later", "The toll was 12.").await;
    let page = format!("/articles/{slug}");
    let before = cookieless(&app, &page).await.body;
    assert!(!before.contains("story-note"));
    let modified = |body: &str| body.split("\"dateModified\":\"").nth(1).map(|r| r[..20].to_string());
    let first = modified(&before).expect("dateModified in the JSON-LD");
    app.clock.advance(3 * 3600);
    let res = editor(&editor_s, &id.to_string())
        .await
        .choose("note_kind", "correction")
        .set("note", "An earlier version gave the toll as 12; it was 21.")
        .set("body", "The toll was 21.")
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let after = cookieless(&app, &page).await.body;
    let note = after.split("class=\"story-note\"").nth(1).expect("the note on the story");
    assert!(note.contains("Correction, ") && note.contains("it was 21."), "{note}");
    let second = modified(&after).unwrap();
    assert!(second > first, "dateModified moved: {first} → {second}");
    let atom = cookieless(&app, "/feed/atom").await.body;
    let entry = atom.split("<entry>").find(|e| e.contains(&slug)).expect("in the feed");
    assert!(entry.contains(&format!("<updated>{second}</updated>")), "{entry}");
    assert!(entry.contains("Correction, ") && entry.contains("it was 21."), "the note leads the entry");
}

#[tokio::test]
async fn an_editor_compares_a_revision_with_now_and_restores_it() {
    let app = spawn().await;
    let editor_s = staff(&app, "editor").await;
    let id = draft(&editor_s, "History", "World", "First line.\nSecond line.\nThird line.").await;
    let res = editor(&editor_s, &id.to_string())
        .await
        .set("body", "First line.\nA new second line.\nThird line.")
        .press("action", "save")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 303);
    let page = editor_s.get(&format!("/desk/stories/{id}")).await.body;
    let compare = link_in(&page, "a[href$='?compare=1']").expect("a Compare link per revision");
    let diff = editor_s.get(&compare).await.body;
    let lines = diff.split("class=\"diff-lines\"").nth(1).expect("the comparison");
    assert!(lines.contains("class=\"removed\"") && lines.contains("Second line."), "{lines}");
    assert!(lines.contains("class=\"added\"") && lines.contains("A new second line."));
    assert!(lines.contains("class=\"same\"") && lines.contains("First line."));
    // restore: revision 1's text in the form, over revision 2; saving makes revision 3
    let restore = link_in(&diff, "a[href$='?restore=1']").expect("a Restore link");
    let form = editor_s.form(&restore, "form.story-editor").await;
    assert_eq!(form.value("body"), "First line.\nSecond line.\nThird line.");
    assert_eq!(form.value("revision"), "2");
    assert_eq!(form.press("action", "save").post_plain(&editor_s).await.status, 303);
    let (_, revision, _, _) = stored(&app, id).await;
    assert_eq!(revision, 3);
    let body: String = db::query_scalar("SELECT body_markdown FROM articles WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(body, "First line.\nSecond line.\nThird line.");
    assert_eq!(editor_s.get(&format!("/desk/stories/{id}?compare=99")).await.status, 404);
}
