//! The pages that list stories: the front page (a lead, then the latest by section), a section,
//! a tag, the archive and a month of it, each paged by "Older stories"; kept for readers
//! without a cookie, and dropped by a publication (the next view shows it, no timer).
use super::*;

fn cache(r: &Reply) -> &str {
    r.headers.get("x-byline-cache").map_or("none", |v| v.to_str().unwrap())
}

/// The headlines a list page shows, in order.
fn headlines(page: &Reply) -> Vec<String> {
    texts_in(&page.body, ".article-card :is(h2, h3)")
}

#[tokio::test]
async fn a_section_a_tag_and_a_month_page_by_older_stories_newest_first() {
    let app = spawn().await;
    let editor = staff(&app, "editor").await;
    let mut titles = Vec::new();
    let started = app::domain::listing::month_of(app.clock.now());
    for n in 0..23 {
        let title = format!("Culture story {n:02}");
        let id = draft(&editor, &title, "Culture", &format!("Text {n}.")).await;
        done(&editor, id, "publish").await;
        titles.push(title);
        app.clock.advance(61);
    }
    titles.reverse();
    let month = {
        let (y, m) = app::domain::listing::month_of(app.clock.now());
        format!("/archive/{y}/{m:02}")
    };
    // (the month's page is paged with them unless these minutes crossed a month's end)
    let same_month = started == app::domain::listing::month_of(app.clock.now());
    let lists: &[&str] = if same_month {
        &["/section/culture", "/tags/desk-test", &month]
    } else {
        &["/section/culture", "/tags/desk-test"]
    };
    for &first in lists {
        let page = cookieless(&app, first).await;
        assert_eq!(page.status, 200, "{first}");
        let shown = headlines(&page);
        assert_eq!(shown.len(), 20, "{first}: a page holds 20");
        if first != month {
            assert_eq!(shown, titles[..20], "{first}: newest first");
        }
        assert!(link_in(&page.body, ".list-paging a[href$='?before=']").is_none());
        let older = link_in(&page.body, ".list-paging a[rel=next]").expect("Older stories");
        assert!(older.starts_with(&format!("{first}?before=")), "{older}");
        let next = cookieless(&app, &older).await;
        assert_eq!(next.status, 200, "{older}");
        let rest = headlines(&next);
        // the seed story is older than these, in its own section and tags; this month's may hold it
        let expected: Vec<String> = titles[20..].to_vec();
        assert_eq!(rest[..3], expected[..], "{older}: the three oldest, after the twenty");
        assert!(rest.iter().all(|t| !shown.contains(t)), "{older}: no story twice");
        assert_eq!(
            link_in(&next.body, ".list-paging a:not([rel]):not(.feed-link)").as_deref(),
            Some(first),
            "Newest stories"
        );
        assert!(
            next.body.contains(r#"<meta name="robots" content="noindex, follow""#),
            "{older}: not for search results"
        );
        if first != month {
            assert!(link_in(&next.body, ".list-paging a[rel=next]").is_none(), "{older}: nothing older");
        }
    }
    // the section and the tag are named as their stories spell them
    assert!(cookieless(&app, "/section/culture")
        .await
        .body
        .contains("<h1 class=\"section-title\">Culture</h1>"));
    assert!(cookieless(&app, "/tags/desk-test")
        .await
        .body
        .contains("<h1 class=\"section-title\">Desk test</h1>"));
    // the archive lists its months with how many stories each
    let archive = cookieless(&app, "/archive").await;
    assert_eq!(archive.status, 200);
    assert!(archive.body.contains(&format!("href=\"{month}\"")), "the month is in the archive's index");
    // the front page: the newest leads, then each section's newest four, linking to the section
    let front = cookieless(&app, "/").await;
    assert!(front.body.contains("<title>Byline</title>"), "the front page's title is the site's name");
    assert_eq!(texts_in(&front.body, ".article-card.lead h2"), vec![titles[0].clone()]);
    let culture = texts_in(&front.body, "section[aria-labelledby=front-culture] .article-card h3");
    assert_eq!(culture, titles[1..5], "the section's next four under the lead");
    assert_eq!(link_in(&front.body, "#front-culture a").as_deref(), Some("/section/culture"));
    assert!(
        texts_in(&front.body, ".front-section-title").contains(&"World".to_string()),
        "the seed's section"
    );
    // the story links its section and its tags
    let story = cookieless(&app, &format!("/articles/{}", "culture-story-00")).await;
    assert_eq!(link_in(&story.body, ".kicker a").as_deref(), Some("/section/culture"));
    assert_eq!(link_in(&story.body, ".tags a").as_deref(), Some("/tags/desk-test"));
}

#[tokio::test]
async fn pages_that_do_not_exist_are_404_and_say_nothing_the_address_said() {
    let app = spawn().await;
    for path in [
        "/tags/no-such-tag-anywhere",
        "/section/nosuchsection",
        "/archive/1999/01",
        "/archive/2026/13",
        "/archive/20x6/12",
        "/archive/9999/12",
        "/section/world?before=garbage",
        "/section/world?before=1.1",
        "/archive?before=-1.2",
        "/tags/%3Cscript%3E",
    ] {
        let page = cookieless(&app, path).await;
        assert_eq!(page.status, 404, "{path}");
        for said in ["&lt;script", "%3Cscript", "nosuchsection", "no-such-tag"] {
            let at = page.body.find(said);
            assert!(at.is_none(), "{path}: {}", &page.body[at.unwrap().saturating_sub(300)..]);
        }
        assert_eq!(cache(&page), "none", "{path}: a 404 is not kept");
    }
    // a site's archive with stories: 200 even when a tag of another spelling is asked
    assert_eq!(cookieless(&app, "/tags/Turkey").await.status, 200, "a tag spelled otherwise is the same tag");
    for feed in ["/tags/turkey/feed", "/tags/turkey/feed/atom"] {
        let res = cookieless(&app, feed).await;
        assert_eq!(res.status, 200, "{feed}");
        assert!(res.body.contains("Turkey"), "{feed}");
    }
    assert_eq!(cookieless(&app, "/tags/no-such-tag-anywhere/feed").await.status, 404);
    // a section named outside ASCII: its address as the site writes it finds it, on both backends
    let editor = staff(&app, "editor").await;
    let id = draft(&editor, "Lira falls", "Économie", "Words.").await;
    done(&editor, id, "publish").await;
    let story = cookieless(&app, "/articles/lira-falls").await;
    let section = link_in(&story.body, ".kicker a").expect("the section's link");
    assert_eq!(section, "/section/%C3%89conomie");
    for _ in 0..2 {
        let page = cookieless(&app, &section).await;
        assert_eq!(page.status, 200);
        assert_eq!(texts_in(&page.body, "h1"), vec!["Économie".to_string()]);
    }
    assert_eq!(cache(&cookieless(&app, &section).await), "hit");
    assert_eq!(cookieless(&app, &format!("{section}/feed")).await.status, 200);
}

#[tokio::test]
async fn list_pages_are_kept_and_a_publication_shows_on_the_next_view() {
    let app = spawn().await;
    let editor = staff(&app, "editor").await;
    let id = draft(&editor, "Kept lists story", "Culture", "Words.").await;
    done(&editor, id, "publish").await;
    let (y, m) = app::domain::listing::month_of(app.clock.now());
    let month = format!("/archive/{y}/{m:02}");
    let pages = ["/", "/section/culture", "/tags/desk-test", "/archive", month.as_str()];
    for path in pages {
        assert_eq!(cache(&cookieless(&app, path).await), "miss", "{path}");
        let kept = cookieless(&app, path).await;
        assert_eq!(cache(&kept), "hit", "{path}");
        assert!(kept.body.contains("Kept lists story"), "{path}");
        assert!(!kept.headers.contains_key("set-cookie"), "{path}");
    }
    // a second address of the same page is rendered for its request, never kept
    for other in ["/section/Culture", "/tags/Desk-test", "/section/culture/", "/section/cult%75re"] {
        let res = cookieless(&app, other).await;
        assert_eq!(cache(&res), "none", "{other}");
    }
    // a campaign's parameters are the same view; a position no story holds is not kept
    assert_eq!(cache(&cookieless(&app, "/section/culture?utm_source=mail&fbclid=x").await), "hit");
    // any other parameter is rendered for its request (`/?p=1` is an old WordPress link)
    assert_eq!(cache(&cookieless(&app, "/?p=1").await), "none");
    assert_eq!(cache(&cookieless(&app, "/section/culture?x=1").await), "none");
    assert_eq!(
        cache(&cookieless(&app, "/?before=1.1&utm_source=x").await),
        "hit",
        "the front page has no pages"
    );
    for _ in 0..3 {
        let made_up = cookieless(&app, &format!("/archive?before={}.1", app.clock.now() + 3600)).await;
        assert_eq!(made_up.status, 200);
        assert_eq!(cache(&made_up), "none", "a made-up position is rendered for its request");
    }
    let second = draft(&editor, "Second kept lists story", "Culture", "More words.").await;
    done(&editor, second, "publish").await;
    for path in pages {
        let page = cookieless(&app, path).await;
        assert!(page.body.contains("Second kept lists story"), "{path} shows the publication at once");
    }
    // a comment's count shows on the lists once their minute is up (a comment or a vote does
    // not drop every list: a busy thread would have them rendered at each vote)
    let reader = app.reader("counter");
    let form = reader.form("/articles/kept-lists-story", "form#comment-post").await;
    let res = form.set("name", "Counter").set("body", "A first comment.").post_js(&reader).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let section = cookieless(&app, "/section/culture").await;
    assert_eq!(cache(&section), "hit", "the comment left the kept list");
    app.clock.advance(61);
    let section = cookieless(&app, "/section/culture").await;
    assert_eq!(cache(&section), "miss", "rendered again after its minute");
    assert!(section.body.contains("1 Comment"), "the count on the card");
    done(&editor, second, "unpublish").await;
    for path in pages {
        let page = cookieless(&app, path).await;
        assert!(
            !page.body.contains("Second kept lists story"),
            "{path} forgets an unpublished story at once"
        );
    }
}
