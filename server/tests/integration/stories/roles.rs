//! Every story action for every role: the editor's form as an editor's page carries it, posted
//! by each kind of visitor. Refused means refused with nothing changed.
use super::*;

/// Who posts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    SignedOut,
    Moderator,
    /// A writer, on another writer's story.
    OtherWriter,
    /// The writer who started the story.
    OwnWriter,
    Editor,
    Admin,
    /// An editor's cookie, from another site's page.
    ForeignOrigin,
}

/// The action, and the status a story needs for it to be possible.
const ACTIONS: [(&str, &str); 6] = [
    ("save", "draft"),
    ("submit", "draft"),
    ("schedule", "draft"),
    ("unschedule", "scheduled"),
    ("publish", "review"),
    ("unpublish", "published"),
];

fn may(who: Who, action: &str) -> bool {
    match who {
        Who::SignedOut | Who::Moderator | Who::OtherWriter | Who::ForeignOrigin => false,
        Who::OwnWriter => matches!(action, "save" | "submit"),
        Who::Editor | Who::Admin => true,
    }
}

#[tokio::test]
async fn every_story_action_for_every_role() {
    let app = spawn().await;
    let writer_email = "writer-owner@news.example";
    crate::desk::account(&app, writer_email, "writer").await;
    let owner = crate::desk::signed_in(&app, writer_email, crate::desk::PASSWORD).await;
    let ed = staff(&app, "editor").await;
    let sessions = [
        (Who::SignedOut, Session { app: &app, cookie: String::new() }),
        (Who::Moderator, staff(&app, "moderator").await),
        (Who::OtherWriter, staff(&app, "writer").await),
        (Who::OwnWriter, crate::desk::signed_in(&app, writer_email, crate::desk::PASSWORD).await),
        (Who::Editor, staff(&app, "editor").await),
        (Who::Admin, staff(&app, "admin").await),
        (Who::ForeignOrigin, staff(&app, "editor").await),
    ];
    let at = next_minute(&app, 90);
    for (n, (action, status)) in ACTIONS.iter().enumerate() {
        for (who, s) in &sessions {
            // a fresh story by the owner, brought to the status the action needs
            let id = draft(&owner, &format!("Roles {n} {who:?}"), "World", "First text.").await;
            match *status {
                "draft" => {}
                "review" => done(&owner, id, "submit").await,
                "scheduled" => assert_eq!(schedule(&ed, id, at).await.status, 303),
                "published" => done(&ed, id, "publish").await,
                _ => unreachable!(),
            }
            let before = stored(&app, id).await;
            let logged = crate::desk::audit(&app).await.len();
            // the form as a page that offers the action carries it (Submit is the writer's
            // button; an editor publishes instead), the text changed for a save
            let page_of = if *action == "submit" { &owner } else { &ed };
            let mut form = editor(page_of, &id.to_string()).await.press("action", action);
            if *action == "save" {
                form = form.set("title", &format!("Changed by {who:?}"));
            }
            if *action == "schedule" {
                form = form.set("publish_at", &app::domain::time::minute_input(at));
            }
            let res = if *who == Who::ForeignOrigin {
                let fields = form.fields();
                app.http
                    .post(app.url("/desk/stories"))
                    .header("cookie", &s.cookie)
                    .header("origin", "https://evil.example")
                    .header("accept", "text/html")
                    .form(&fields)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            } else {
                form.post_plain(s).await.status
            };
            let after = stored(&app, id).await;
            if may(*who, action) {
                assert_eq!(res, 303, "{who:?} {action}");
                assert_ne!(after, before, "{who:?} {action}: done");
            } else {
                let expected = if *who == Who::SignedOut { 303 } else { 403 };
                assert_eq!(res, expected, "{who:?} {action} refused");
                assert_eq!(after, before, "{who:?} {action}: nothing changed");
                assert_eq!(crate::desk::audit(&app).await.len(), logged, "{who:?} {action}: nothing logged");
            }
        }
    }
}

#[tokio::test]
async fn writers_see_only_their_own_stories_and_moderators_none() {
    let app = spawn().await;
    let writer = staff(&app, "writer").await;
    let other = staff(&app, "writer").await;
    let id = draft(&writer, "A writer's own draft", "World", "Text.").await;
    let list = other.get("/desk/stories").await;
    assert_eq!(list.status, 200);
    assert!(!list.body.contains("A writer&#x27;s own draft") && !list.body.contains("A writer's own draft"));
    let page = other.get(&format!("/desk/stories/{id}")).await;
    assert_eq!(page.status, 403, "another writer's draft");
    assert!(!page.body.contains("Text."), "its text is not shown");
    let moderator = staff(&app, "moderator").await;
    assert_eq!(moderator.get("/desk/stories").await.status, 403);
    assert_eq!(moderator.get(&format!("/desk/stories/{id}")).await.status, 403);
    let desk = moderator.get("/desk").await;
    assert!(!desk.body.contains("href=\"/desk/stories\""), "no Stories in a moderator's desk");
    // a writer does not moderate: no queue, no readers' addresses, no bans; their desk opens
    // on their stories, and their own account is theirs to manage
    for path in ["/desk/queue", "/desk/bans", "/desk/readers", "/desk/comments/1"] {
        assert_eq!(writer.get(path).await.status, 403, "{path}");
    }
    let front = writer.get("/desk").await;
    assert_eq!((front.status, front.location.as_deref()), (302, Some("/desk/stories")));
    let own = writer.get("/desk/stories").await.body;
    assert!(!own.contains("href=\"/desk/queue\"") && own.contains("href=\"/desk/staff\""));
    assert_eq!(writer.get("/desk/staff").await.status, 200);
    // the owner's list has it; an editor's list has every story, the seed's too
    assert!(writer.get("/desk/stories").await.body.contains(&format!("/desk/stories/{id}")));
    let ed = staff(&app, "editor").await;
    // nor moderate by posting an editor's queue form
    let (_, comment, _) =
        crate::desk::post(&app.me(), "reader@example.org", "A comment to judge.", None).await;
    let res = crate::desk::queue_form(&ed, "spam", comment).await.post_plain(&writer).await;
    assert_eq!(res.status, 403);
    assert_eq!(crate::desk::status_of(&app, comment).await, "approved");
    let all = ed.get("/desk/stories").await.body;
    assert!(all.contains(&format!("/desk/stories/{id}")) && all.contains("file or import"));
}

#[tokio::test]
async fn the_list_opens_by_status_with_counts_and_a_writer_counts_only_their_own() {
    let app = spawn().await;
    let writer = staff(&app, "writer").await;
    let editor = staff(&app, "editor").await;
    let mine = draft(&writer, "Tabbed draft", "World", "Text.").await;
    let review = draft(&writer, "Tabbed review", "World", "Text.").await;
    done(&writer, review, "submit").await;
    let other = draft(&editor, "Editor's own draft", "World", "Text.").await;
    // the editor follows the "In review" tab as the page carries it
    let all = editor.get("/desk/stories").await;
    let tab = link_in(&all.body, ".desk-tabs a[href$='status=review']").expect("an In review tab");
    assert!(texts_in(&all.body, ".desk-tabs a[href$='status=review'] .count") == vec!["1".to_string()]);
    let in_review = editor.get(&tab).await;
    assert_eq!(in_review.status, 200);
    assert_eq!(
        texts_in(&in_review.body, "table.stories td:first-child a"),
        vec!["Tabbed review".to_string()]
    );
    assert_eq!(texts_in(&in_review.body, ".desk-tabs a[aria-current] "), vec!["In review 1".to_string()]);
    let drafts = editor.get("/desk/stories?status=draft").await.body;
    let titles = texts_in(&drafts, "table.stories td:first-child a");
    assert!(
        titles.contains(&"Tabbed draft".to_string()) && titles.contains(&"Editor's own draft".to_string())
    );
    assert!(!titles.contains(&"Tabbed review".to_string()));
    // the seed story is published; nothing is unpublished yet
    let published = editor.get("/desk/stories?status=published").await.body;
    assert!(texts_in(&published, "table.stories td:first-child a").iter().all(|t| !t.starts_with("Tabbed")));
    assert!(editor.get("/desk/stories?status=unpublished").await.body.contains("No stories in this status."));
    // a made-up status is every story
    assert_eq!(
        editor.get("/desk/stories?status=%3Cb%3E").await.body.matches("<tr>").count(),
        all.body.matches("<tr>").count()
    );
    // a writer's counts and rows are their own
    let own = writer.get("/desk/stories?status=draft").await.body;
    assert_eq!(texts_in(&own, "table.stories td:first-child a"), vec!["Tabbed draft".to_string()]);
    assert_eq!(texts_in(&own, ".desk-tabs a[href$='status=draft'] .count"), vec!["1".to_string()]);
    assert!(
        !own.contains(&format!("/desk/stories/{other}")) && own.contains(&format!("/desk/stories/{mine}"))
    );
}
