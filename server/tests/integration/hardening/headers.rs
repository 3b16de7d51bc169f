//! Headers and origin.
#[allow(unused_imports)]
use super::*;

#[tokio::test]
async fn pages_carry_a_csp_that_names_their_scripts_by_hash_and_refuse_framing() {
    use base64::Engine;
    use sha2::Digest;
    let app = spawn().await;
    let page = app.get(ARTICLE).await;
    let csp = page.headers["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("'unsafe-inline' 'self'") && !csp.contains("nonce-"), "{csp}");
    // the loader, the page swapper and leptos' two: each named by its hash, nothing else
    let scripts = app::server::tidy::inline_scripts(&page.body);
    assert_eq!(scripts.len(), 4, "{scripts:?}");
    for s in &scripts {
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(s));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{s:.60} is named in {csp}");
    }
    assert_eq!(csp.matches("'sha256-").count(), scripts.len());
    // the same for a cached page (no reader cookie)
    let cached = reqwest::get(app.url(ARTICLE)).await.unwrap();
    let cached_csp = cached.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert_eq!(cached_csp.matches("'sha256-").count(), 4, "{cached_csp}");
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert!(page.headers["cache-control"].to_str().unwrap().contains("private"));
    assert!(!page.headers.contains_key("strict-transport-security"), "not on http");
    let api = reqwest::get(app.url("/api/form_state?scope=x")).await.unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store", "a server function's answer is never cached");
    let other = app.get("/robots.txt").await;
    assert!(other.headers["content-security-policy"].to_str().unwrap().contains("script-src 'none'"));

    let https = spawn_with(|c| c.base_url = c.base_url.replace("http://", "https://")).await;
    let res = https.http.get(https.url("/robots.txt")).send().await.unwrap();
    assert!(res.headers().contains_key("strict-transport-security"));
}

#[tokio::test]
async fn writes_need_this_sites_origin_and_requests_this_sites_host() {
    let app = spawn().await;
    let k = key();
    let form = comment("Ada", "", "From elsewhere", &k);
    let wrong_scheme = app.base.replace("http://", "https://");
    for origin in
        [wrong_scheme.as_str(), "null", "http://evil.example", &format!("{}.evil.example", app.base)]
    {
        let res =
            reply(app.http.post(app.url("/api/post_comment")).header("origin", origin).form(&form)).await;
        assert_eq!(res.status, 403, "{origin}");
    }
    let res = reply(
        app.http
            .post(app.url("/api/post_comment"))
            .header("origin", &app.base)
            .header("sec-fetch-site", "cross-site")
            .form(&form),
    )
    .await;
    assert_eq!(res.status, 403);
    assert_eq!(app.comment_count().await, 0);
    let rebound = app.http.get(app.url(ARTICLE)).header("host", "evil.example").send().await.unwrap();
    assert_eq!(rebound.status().as_u16(), 400);
}

#[tokio::test]
async fn a_server_function_never_redirects_off_the_site() {
    let app = spawn().await;
    let get = |referer: String| {
        app.http
            .get(app.url(&format!("/api/notify_state?slug={SLUG}")))
            .header("accept", "text/html")
            .header("referer", referer)
            .send()
    };
    // leptos_axum sends a server function's answer back to the Referer: only ever a page here
    for referer in ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"] {
        let res = get(referer.to_string()).await.unwrap();
        assert_eq!(res.status().as_u16(), 302, "{referer}");
        assert_eq!(res.headers()["location"], "/", "{referer}");
    }
    let own = get(app.url(ARTICLE)).await.unwrap();
    let kept = own.headers()["location"].to_str().unwrap().to_string();
    assert!(kept.starts_with(&app.url(ARTICLE)), "a page of this site is kept: {kept}");
}

#[tokio::test]
async fn behind_a_proxy_the_address_the_proxy_saw_is_the_one_limited() {
    let app = spawn_with(|c| {
        c.trust_proxy = 1;
        c.limits.comments_per_ip = 1;
    })
    .await;
    let app = &app;
    let post = |xff: &'static str, body: &'static str| {
        let k = key();
        async move {
            let f = comment("Ada", "", body, &k);
            reply(app.http.post(app.url("/api/post_comment")).header("x-forwarded-for", xff).form(&f)).await
        }
    };
    assert_eq!(post("1.1.1.1, 203.0.113.5", "first").await.status, 200);
    assert_eq!(post("9.9.9.9, 203.0.113.5", "second").await.status, 429, "a forged left entry is ignored");
}

#[tokio::test]
async fn an_unknown_section_is_a_plain_404() {
    let app = spawn().await;
    let res = app.get("/section/Hacked%20by%20Mallory").await;
    assert_eq!(res.status, 404);
    assert!(!res.body.contains("Mallory"), "the URL's words are not repeated");
    let world = app.get("/section/world").await;
    assert!(world.body.contains(">World</h1>"), "{}", world.body);
}
