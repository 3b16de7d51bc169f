//! The site's identity (Desk → Site): its name, tagline, Contact Information, navigation and
//! footer are settings an admin changes, not code. A save shows at once on every page, kept
//! pages too, in JSON-LD and the feeds, and on every server on the database.
use super::*;

/// The Site form as the page renders it, with `changes` made.
async fn save_site(admin: &Session<'_>, changes: &[(&str, &str)]) -> Reply {
    let mut form = admin.form("/desk/site", "form.desk-site").await;
    for (k, v) in changes {
        form = form.set(k, v);
    }
    form.post_plain(admin).await
}

fn ld_of(page: &str) -> String {
    page.split("application/ld+json").nth(1).unwrap_or("no structured data").to_string()
}

#[tokio::test]
async fn the_site_is_named_and_reached_as_the_desk_says_on_every_page_and_server() {
    let a = spawn().await;
    let b = spawn_beside(&a, |_| {}).await;
    // the seed site's identity, kept by both servers' page caches
    for app in [&a, &b] {
        let front = cookieless(app, "/").await;
        assert_eq!(texts_in(&front.body, ".site-name"), vec!["Byline".to_string()]);
        assert!(texts_in(&front.body, ".contact-info address")[0]
            .contains("Oak Avenue, Manhattan Beach, California 90266"));
        cookieless(app, ARTICLE).await;
    }
    let admin = staff(&a, "admin").await;
    let form = admin.form("/desk/site", "form.desk-site").await;
    assert_eq!(form.value("name"), "Byline", "the form shows what pages show");
    assert_eq!(form.value("nav"), "Home | /\nWorld | /section/world\nContact Us | /contact");

    let res = save_site(
        &admin,
        &[
            ("name", "The Beach Reporter"),
            ("tagline", "News of the South Bay"),
            ("street", "1200 Highland Avenue"),
            ("city", "Manhattan Beach"),
            ("region", "California"),
            ("postal_code", "90266"),
            ("country", "us"),
            ("nav", "Home | /\r\nSports | /section/sports\r\n\r\nCorrections | /tags/corrections\r\nContact Us | /contact"),
            ("footer", "© The Beach Reporter, since 1971"),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/desk/site?done=saved"));

    // at once, on the kept front page and article, for a reader without a cookie
    let front = cookieless(&a, "/").await;
    assert!(front.body.contains("<title>The Beach Reporter</title>"), "the title is the new name");
    assert_eq!(texts_in(&front.body, ".site-name"), vec!["The Beach Reporter".to_string()]);
    assert_eq!(texts_in(&front.body, ".tagline"), vec!["News of the South Bay".to_string()]);
    assert_eq!(
        texts_in(&front.body, ".site-nav a"),
        ["Home", "Sports", "Corrections", "Contact Us", "Search"].map(String::from).to_vec(),
        "the navigation in the desk's order, Search after it"
    );
    assert_eq!(link_in(&front.body, ".site-nav a:nth-child(2)").as_deref(), Some("/section/sports"));
    assert_eq!(
        texts_in(&front.body, ".contact-info address"),
        vec!["1200 Highland Avenue, Manhattan Beach, California 90266".to_string()]
    );
    assert_eq!(texts_in(&front.body, ".copyright"), vec!["© The Beach Reporter, since 1971".to_string()]);
    assert!(!front.body.contains("Oak Avenue") && !front.body.contains(">Byline<"));
    let ld = ld_of(&front.body);
    assert!(
        ld.contains(r#""@type":"NewsMediaOrganization""#)
            && ld.contains(r#""name":"The Beach Reporter""#)
            && ld.contains(r#""streetAddress":"1200 Highland Avenue""#)
            && ld.contains(r#""addressCountry":"US""#)
            && ld.contains("/search?q={search_term_string}"),
        "the front page describes the site and its newsroom: {ld}"
    );
    let story = cookieless(&a, ARTICLE).await;
    assert!(story.body.contains(r#"<meta property="og:site_name" content="The Beach Reporter">"#));
    let ld = ld_of(&story.body);
    assert!(
        ld.contains(r#""publisher":{"#) && ld.contains(r#""streetAddress":"1200 Highland Avenue""#),
        "{ld}"
    );
    assert!(cookieless(&a, "/contact").await.body.contains("1200 Highland Avenue"));
    let feed = cookieless(&a, "/feed").await;
    assert!(feed.body.contains("<title>The Beach Reporter</title>"), "{}", feed.body);

    // the other server hears of it, drops its kept pages and shows the new identity
    wait_until("the other server shows the new name", || async {
        cookieless(&b, "/").await.body.contains("<title>The Beach Reporter</title>")
    })
    .await;
    assert!(cookieless(&b, ARTICLE).await.body.contains("1200 Highland Avenue"));

    // the audit log says who changed it, from what to what
    let audit = admin.get("/desk/audit").await;
    assert!(audit.body.contains("the site&#x27;s identity") || audit.body.contains("the site's identity"));
    assert!(audit.body.contains("1200 Highland Avenue"), "the change is in the log");

    // a restart reads it back
    let c = spawn_beside(&a, |_| {}).await;
    assert!(cookieless(&c, "/").await.body.contains("<title>The Beach Reporter</title>"));
}

#[tokio::test]
async fn only_an_admin_changes_the_site_and_bad_values_are_refused_with_the_text_kept() {
    let app = spawn().await;
    cookieless(&app, "/").await;
    for role in ["editor", "writer", "moderator"] {
        let s = staff(&app, role).await;
        assert_eq!(s.get("/desk/site").await.status, 403, "{role}");
        let res = s.post_plain("/desk/site", &[("name", "Taken over"), ("street", "x"), ("city", "y")]).await;
        assert_eq!(res.status, 403, "{role}");
    }
    let anon = app.me();
    let res = anon.post_plain("/desk/site", &[("name", "Taken over"), ("street", "x"), ("city", "y")]).await;
    assert!(matches!(res.status, 303 | 401 | 403), "signed out: {}", res.status);

    let admin = staff(&app, "admin").await;
    for (changes, why) in [
        (vec![("nav", "Home | /\nPrize | javascript:alert(1)")], "Navigation line 2"),
        (vec![("nav", "Elsewhere | //evil.example/")], "Navigation line 1"),
        (vec![("name", "   ")], "name is required"),
        (vec![("street", "")], "a street and a city"),
        (vec![("country", "USA")], "two-letter code"),
    ] {
        let res = save_site(&admin, &changes).await;
        assert_eq!(res.status, 400, "{changes:?}");
        assert!(
            res.body.contains(why),
            "{why}: {}",
            texts_in(&res.body, ".form-error, [role=alert]").join(" | ")
        );
        let kept = Form::in_page(&res.body, "form.desk-site");
        for (k, v) in &changes {
            assert_eq!(kept.value(k).trim(), v.trim(), "what was typed in {k} is kept");
        }
    }
    assert!(cookieless(&app, "/").await.body.contains("<title>Byline</title>"), "nothing changed");

    // markup in a name is text
    let res = save_site(&admin, &[("name", "</title><script>alert(1)</script> News"), ("tagline", "")]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let front = cookieless(&app, "/").await;
    let at =
        front.body.find("<script>alert(1)").map(|i| front.body[i.saturating_sub(200)..i + 40].to_string());
    assert!(at.is_none(), "escaped everywhere, JSON-LD too: {at:?}");
    assert_eq!(
        texts_in(&front.body, ".site-name"),
        vec!["</title><script>alert(1)</script> News".to_string()]
    );
    assert!(texts_in(&front.body, ".tagline").is_empty(), "an empty tagline is no line");
}
