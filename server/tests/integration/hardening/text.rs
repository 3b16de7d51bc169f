//! The server does not fall over on ordinary text.
#[allow(unused_imports)]
use super::*;

#[tokio::test]
async fn an_article_with_entities_before_curly_quotes_is_published_and_a_broken_one_is_skipped() {
    let content = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../content/china-ratifies-extradition-treaty-with-turkey.md"),
        content.path().join("a-seed.md"),
    )
    .unwrap();
    std::fs::write(
        content.path().join("b-rd.md"),
        "---\ntitle: R&D’s “plan”\nslug: rd-plan\nsection: Business\nstandfirst: AT&T’s “view”\n---\n\
         R&D’s “plan” and AT&T’s “view”. Q&A — what it means.\n",
    )
    .unwrap();
    std::fs::write(content.path().join("c-broken.md"), "no front matter at all").unwrap();
    let dir = content.path().to_path_buf();
    let app = spawn_with(move |c| c.content_dirs = vec![dir]).await;
    let page = app.get("/articles/rd-plan").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("R&amp;D’s “plan” and AT&amp;T’s “view”"), "{}", page.body);
    assert_eq!(app.get(ARTICLE).await.status, 200, "the other articles are served");
}

#[tokio::test]
async fn a_panic_while_answering_is_a_500_for_that_request_and_the_server_goes_on() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = server::config::Config::for_tests("sqlite::memory:".into(), addr, ".".into());
    let routes = axum::Router::new()
        .route(
            "/boom",
            axum::routing::get(|| async {
                if true {
                    panic!("a bug in a handler");
                }
                "unreachable"
            }),
        )
        .route("/fine", axum::routing::get(|| async { "fine" }));
    let router = server::harden(routes, &config, std::sync::Arc::new(app::server::csp::Scripts::new(vec![])));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let http = reqwest::Client::new();
    for _ in 0..3 {
        let res = http.get(format!("http://{addr}/boom")).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 500);
        let body = res.text().await.unwrap();
        assert!(body.contains("Something went wrong") && !body.contains("a bug in a handler"), "{body}");
    }
    assert_eq!(http.get(format!("http://{addr}/fine")).send().await.unwrap().text().await.unwrap(), "fine");
}
