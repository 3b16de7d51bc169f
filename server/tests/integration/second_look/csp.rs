//! Hole 8: the Content-Security-Policy names only the inline scripts Byline writes (hashed once
//! at start-up): any other inline script a page carries is refused by the browser.
use super::*;

fn hash(s: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(s)))
}

#[tokio::test]
async fn a_page_carrying_an_extra_inline_script_gets_a_policy_that_does_not_name_it() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = server::config::Config::for_tests("sqlite::memory:".into(), addr, ".".into());
    let page = "<!DOCTYPE html><html><head><script>ours()</script></head>\
                <body><p>A comment</p><script>steal(document.cookie)</script></body></html>";
    let routes = axum::Router::new()
        .route("/page", axum::routing::get(move || async move { axum::response::Html(page) }));
    let scripts = std::sync::Arc::new(app::server::csp::Scripts::new(vec!["ours()".into()]));
    let router = server::harden(routes, &config, scripts);
    tokio::spawn(server::serve::serve(listener, router, config.connections.clone(), std::future::pending()));
    let res = reqwest::get(format!("http://{addr}/page")).await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains(&hash("ours()")), "{csp}");
    assert!(!csp.contains(&hash("steal(document.cookie)")), "the injected script is not allowed: {csp}");
}

#[tokio::test]
async fn an_article_page_names_exactly_the_scripts_byline_writes() {
    let app = spawn().await;
    for res in [nobody(&app).get(ARTICLE).await, app.get(ARTICLE).await] {
        let csp = res.headers["content-security-policy"].to_str().unwrap().to_string();
        let ours = app::inline_scripts(
            &leptos::prelude::LeptosOptions::builder()
                .output_name("frontend")
                .site_root(app.dir.path().display().to_string())
                .build(),
        );
        for script in &ours {
            assert!(csp.contains(&hash(script)), "{script}: {csp}");
        }
        assert_eq!(csp.matches("'sha256-").count(), ours.len(), "{csp}");
        // and each inline script of the page is one of them
        for script in app::server::tidy::inline_scripts(&res.body) {
            assert!(ours.iter().any(|o| o == script), "a script Byline did not write: {script}");
        }
    }
}
