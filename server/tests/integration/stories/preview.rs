//! A signed, expiring preview link: the editor page makes one for a story not taken down; it
//! shows the latest saved text to anyone holding it, for three days, never kept or indexed. A
//! link altered in any part, expired, or of a story taken down shows nothing.
use super::*;

/// The preview link the editor page offers `s` for story `id`: its path on the site.
async fn preview_path(app: &TestApp, s: &Session<'_>, id: i64) -> String {
    let page = s.get(&format!("/desk/stories/{id}")).await;
    let url = scraper_value(&page.body);
    url.strip_prefix(&app.base).unwrap_or_else(|| panic!("an address on this site: {url}")).to_string()
}

fn scraper_value(page: &str) -> String {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse("#preview-link").unwrap();
    doc.select(&sel).next().and_then(|e| e.value().attr("value")).expect("a preview link").to_string()
}

#[tokio::test]
async fn a_preview_link_shows_the_latest_draft_to_its_holder_until_it_expires() {
    let app = spawn().await;
    let writer = staff(&app, "writer").await;
    let id = draft(&writer, "Harbour deal draft", "World", "The first version.").await;
    let path = preview_path(&app, &writer, id).await;
    assert!(path.starts_with(&format!("/preview/{id}?expires=")) && path.contains("&sig="), "{path}");

    // anyone holding it (no cookie) reads the draft, as the public page would render it
    let page = cookieless(&app, &path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(texts_in(&page.body, ".story h1"), vec!["Harbour deal draft".to_string()]);
    assert!(texts_in(&page.body, ".story-body").join("").contains("The first version."));
    assert!(texts_in(&page.body, ".preview-banner").join("").contains("not yet published"));
    assert!(page.body.contains(r#"<meta name="robots" content="noindex, nofollow">"#));
    assert_eq!(page.headers["cache-control"], "no-store", "kept by no browser or proxy");
    assert_eq!(page.headers["x-robots-tag"], "noindex, nofollow");
    assert_eq!(page.headers["referrer-policy"], "no-referrer", "the signed address goes nowhere");
    assert!(!page.body.contains("comment-post"), "no comments on a preview");
    // the draft itself stays out of sight
    assert_eq!(cookieless(&app, &format!("/articles/{}", slug_of(&app, id).await)).await.status, 404);

    // the same link shows the latest saved version
    let res = editor(&writer, &id.to_string())
        .await
        .set("body", "The second version.")
        .press("action", "save")
        .post_plain(&writer)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = cookieless(&app, &path).await;
    assert!(texts_in(&page.body, ".story-body").join("").contains("The second version."), "not a kept copy");

    // a link altered in any part is no link
    let (head, sig) = path.split_once("&sig=").unwrap();
    let flipped: String = sig.chars().rev().collect();
    let expires: i64 = head.split("expires=").nth(1).unwrap().parse().unwrap();
    for bad in [
        format!("{head}&sig={flipped}"),
        format!("{head}&sig="),
        head.to_string(),
        format!("/preview/{}?expires={expires}&sig={sig}", id + 1),
        format!("/preview/{id}?expires={}&sig={sig}", expires + 3600),
        format!("/preview/x{id}?expires={expires}&sig={sig}"),
        format!("/preview/{id}?expires=soon&sig={sig}"),
        format!("/preview/{id}?expires={expires}&sig={}", "ab".repeat(5000)),
    ] {
        let res = cookieless(&app, &bad).await;
        assert_eq!(res.status, 404, "{bad}");
        assert!(!res.body.contains("The second version."), "{bad}");
    }

    // three days on, it has expired
    app.clock.advance(expires - app.clock.now());
    let res = cookieless(&app, &path).await;
    assert_eq!(res.status, 410);
    assert!(res.body.contains("This preview link has expired"), "{}", texts_in(&res.body, "main").join(""));
    assert!(!res.body.contains("The second version."));
}

#[tokio::test]
async fn a_story_taken_down_shows_nothing_through_its_links_and_offers_none() {
    let app = spawn().await;
    let (editor_s, id, slug) = published(&app, "Claims we took down", "Text that was wrong.").await;
    let path = preview_path(&app, &editor_s, id).await;
    let page = cookieless(&app, &path).await;
    assert_eq!(page.status, 200);
    assert!(texts_in(&page.body, ".preview-banner").join("").contains("published story"));
    done(&editor_s, id, "unpublish").await;
    assert_eq!(cookieless(&app, &format!("/articles/{slug}")).await.status, 410);
    let res = cookieless(&app, &path).await;
    assert_eq!(res.status, 410, "the link made before stops at once");
    assert!(!res.body.contains("Text that was wrong."));
    let desk = editor_s.get(&format!("/desk/stories/{id}")).await;
    assert!(!desk.body.contains("share-preview"), "no link is offered for a story taken down");

    // an imported post withdrawn by a later import (its original went private): the same
    let (editor_s, id, _) = published(&app, "Imported then withdrawn", "Text gone private.").await;
    let path = preview_path(&app, &editor_s, id).await;
    assert_eq!(cookieless(&app, &path).await.status, 200);
    db::query("UPDATE articles SET withdrawn_at = $1 WHERE id = $2")
        .bind(app.clock.now())
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = cookieless(&app, &path).await;
    assert_eq!(res.status, 410, "a withdrawn post shows through no link");
    assert!(!res.body.contains("Text gone private."));
    let desk = editor_s.get(&format!("/desk/stories/{id}")).await;
    assert!(!desk.body.contains("share-preview"));
}
