//! Authors: a story's byline names the staff members it is by, each a link to their author page
//! (their bio, their published stories, a feed). Each writes their own page, an admin anyone's;
//! an account's email and role never show, and a staff member with no published story has no
//! page at all.
use super::*;

/// `s`'s staff id: a new story is by whoever starts it (its ticked author).
async fn my_id(s: &Session<'_>) -> i64 {
    editor(s, "new").await.value("author").parse().unwrap()
}

/// `s` saves account `id`'s author page through its form on the staff page.
async fn set_profile(s: &Session<'_>, id: i64, name: &str, bio: &str, slug: &str) -> Reply {
    s.form("/desk/staff", &format!("#staff-{id} form"))
        .await
        .set("public_name", name)
        .set("bio", bio)
        .set("author_slug", slug)
        .post_plain(s)
        .await
}

#[tokio::test]
async fn a_byline_names_its_authors_and_each_leads_to_their_page_once_a_story_is_out() {
    let app = spawn().await;
    let writer = staff(&app, "writer").await;
    let editor_s = staff(&app, "editor").await;
    let (writer_id, editor_id) = (my_id(&writer).await, my_id(&editor_s).await);
    let res =
        set_profile(&writer, writer_id, " Ana  Ruiz ", "Covers the courts <b>and</b> the council.", "").await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id = draft(&writer, "The court rules", "World", "A ruling came.").await;

    // a draft makes nobody an author readers can find
    assert_eq!(cookieless(&app, "/authors/ana-ruiz").await.status, 404, "only a draft");
    assert_eq!(cookieless(&app, "/authors/ana-ruiz/feed").await.status, 404);

    // the editor adds themselves as second author and publishes
    let res = editor(&editor_s, &id.to_string())
        .await
        .choose("author", &editor_id.to_string())
        .press("action", "publish")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let slug = slug_of(&app, id).await;
    let story = cookieless(&app, &format!("/articles/{slug}")).await;
    let names = texts_in(&story.body, ".byline a[rel=author]");
    assert_eq!(names[0], "Ana Ruiz", "the writer first, by their byline's name");
    assert!(names[1].starts_with("Editor "), "{names:?}");
    assert_eq!(names.len(), 2);
    assert!(texts_in(&story.body, ".byline").join("").contains("Ana Ruiz and Editor "));
    assert_eq!(link_in(&story.body, ".byline a").as_deref(), Some("/authors/ana-ruiz"));
    assert!(
        story.body.contains(r#""author":[{"@type":"Person","name":"Ana Ruiz","url":"#),
        "structured data names the people: {}",
        story.body.split("application/ld+json").nth(1).unwrap_or("no structured data")
    );

    // the author page: their name, their bio (as text), their story; kept for the next reader
    let page = cookieless(&app, "/authors/ana-ruiz").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(texts_in(&page.body, "h1"), vec!["Ana Ruiz".to_string()]);
    assert_eq!(
        texts_in(&page.body, ".author-bio"),
        vec!["Covers the courts <b>and</b> the council.".to_string()]
    );
    assert_eq!(texts_in(&page.body, ".article-card h2"), vec!["The court rules".to_string()]);
    assert!(page.body.contains(r#"href="/authors/ana-ruiz/feed""#), "the page names its feed");
    assert!(!page.body.contains("@news.example") && !page.body.contains("Writer "), "no account details");
    let feed = cookieless(&app, "/authors/ana-ruiz/feed").await;
    assert_eq!(feed.status, 200);
    assert!(
        feed.body.contains("The court rules") && feed.body.contains("Ana Ruiz and Editor "),
        "{}",
        feed.body
    );

    // a new byline name shows at once on the kept story and the kept author page
    let again = cookieless(&app, "/authors/ana-ruiz").await;
    assert_eq!(again.headers.get("x-byline-cache").map(|v| v.to_str().unwrap()), Some("hit"));
    let res = set_profile(&writer, writer_id, "Ana Ruiz-Ortega", "Courts.", "ana-ruiz").await;
    assert_eq!(res.status, 303, "{}", res.body);
    let story = cookieless(&app, &format!("/articles/{slug}")).await;
    assert_eq!(texts_in(&story.body, ".byline a")[0], "Ana Ruiz-Ortega");
    assert_eq!(
        texts_in(&cookieless(&app, "/authors/ana-ruiz").await.body, "h1"),
        vec!["Ana Ruiz-Ortega".to_string()]
    );

    // the other author's page, under the address made from their name
    let editor_page = link_in(&story.body, ".byline a:nth-of-type(2)").expect("a second link");
    assert_eq!(cookieless(&app, &editor_page).await.status, 200, "{editor_page}");

    // unpublished: nobody's page lists it, and a page with nothing left is gone
    done(&editor_s, id, "unpublish").await;
    assert_eq!(cookieless(&app, "/authors/ana-ruiz").await.status, 404);
    assert_eq!(cookieless(&app, "/authors/ana-ruiz/feed").await.status, 404);
}

#[tokio::test]
async fn a_story_names_only_staff_the_editor_offers_and_nobody_writes_anothers_page() {
    let app = spawn().await;
    let writer = staff(&app, "writer").await;
    let other = staff(&app, "writer").await;
    let _moderator = staff(&app, "moderator").await;
    let (writer_id, other_id) = (my_id(&writer).await, my_id(&other).await);
    let moderator_id: i64 =
        db::query_scalar("SELECT id FROM staff WHERE role = 'moderator'").fetch_one(&app.pool).await.unwrap();
    let id = draft(&writer, "Names", "World", "Text.").await;
    let form = editor(&writer, &id.to_string()).await;
    assert!(
        !form.fields().iter().any(|(k, v)| k == "author" && *v == moderator_id.to_string()),
        "a moderator is not offered"
    );
    // a moderator, a made-up account, a word: refused, nothing changed
    for bad in [moderator_id.to_string(), "999999".into(), "me".into()] {
        let mut fields = form.clone().press("action", "save").fields();
        fields.push(("author".into(), bad.clone()));
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = writer.post_plain("/desk/stories", &pairs).await;
        assert_eq!(res.status, 400, "{bad}: {}", res.body);
        assert!(res.body.contains("Choose the authors from the list."), "{bad}");
    }
    let authors: Vec<i64> = db::query_scalar("SELECT staff_id FROM article_authors WHERE article_id = $1")
        .bind(id)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(authors, vec![writer_id], "as the writer started it");

    // one writer cannot write another's page; an address another page has is refused
    assert!(
        !other.get("/desk/staff").await.body.contains(&format!("id=\"staff-{writer_id}\"")),
        "only their own account is shown to them"
    );
    let theirs = [("public_name", "Hijacked"), ("bio", ""), ("author_slug", "hijacked")];
    let res = other.post_plain(&format!("/desk/staff/{writer_id}"), &theirs).await;
    assert_eq!(res.status, 403, "{}", res.body);
    set_profile(&writer, writer_id, "Kim Lee", "", "kim-lee").await;
    let res = set_profile(&other, other_id, "Kim Lee", "", "kim-lee").await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(res.body.contains("Another author page has this address"));
    let res = set_profile(&other, other_id, "", &"x".repeat(601), "Not An Address").await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("A bio is at most 600 characters."));
    let slugs: Vec<(String, Option<String>)> =
        db::query_as("SELECT public_name, author_slug FROM staff WHERE id IN ($1, $2) ORDER BY id")
            .bind(writer_id)
            .bind(other_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(slugs[0], ("Kim Lee".to_string(), Some("kim-lee".to_string())));
    assert_ne!(slugs[1].1.as_deref(), Some("kim-lee"), "unchanged");
    assert_eq!(slugs[1].0, "");
}
