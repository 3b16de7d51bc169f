//! The browser's download: the page names content-hashed files, served precompressed with a
//! year-long immutable cache; and what the page swapper (`enhance.js`) gets for a form post.
use crate::common::*;

/// A site root with a small bundle, run through the `precompress` build step.
fn built_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("frontend.js"), "export function hydrate() {}\n".repeat(50)).unwrap();
    std::fs::write(pkg.join("frontend_bg.wasm"), b"\0asm\x01\0\0\0".repeat(100)).unwrap();
    std::fs::write(pkg.join("byline.css"), "body { margin: 0 }\n".repeat(50)).unwrap();
    std::fs::write(pkg.join("index.html"), "<!-- trunk's manifest -->").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_precompress")).arg(&pkg).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    site
}

fn hashed_name(html: &str, stem: &str, ext: &str) -> String {
    let start = html.find(&format!("/pkg/{stem}.")).unwrap_or_else(|| panic!("no /pkg/{stem}.* in the page"));
    let end = start + html[start..].find(ext).unwrap() + ext.len();
    html[start..end].to_string()
}

#[tokio::test]
async fn the_page_names_hashed_files_served_precompressed_and_cached_for_a_year() {
    let site = built_site();
    let root = site.path().display().to_string();
    let app = spawn_with(|c| c.site_root = root).await;
    let html = app.get(ARTICLE).await.body;
    let js = hashed_name(&html, "frontend", ".js");
    let wasm = hashed_name(&html, "frontend_bg", ".wasm");
    let css = hashed_name(&html, "byline", ".css");
    for url in [&js, &wasm, &css] {
        let name = url.trim_start_matches("/pkg/");
        assert!(app::server::assets::is_hashed(name), "{url} is not a hashed name");
        let res = app.http.get(app.url(url)).header("accept-encoding", "br, gzip").send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        assert_eq!(res.headers()["content-encoding"], "br", "{url} is not sent precompressed");
        assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable", "{url}");
        // one URL, three encodings: a shared cache must not hand brotli to a client without it
        assert_eq!(res.headers()["vary"], "accept-encoding", "{url}");
        let sent = res.bytes().await.unwrap();
        let on_disk = std::fs::read(site.path().join(format!("pkg/{name}.br"))).unwrap();
        assert_eq!(sent.as_ref(), on_disk.as_slice(), "{url}: not the file written at build time");
    }
    // a client without brotli gets the gzip copy; one without either, the file itself
    let res = app.http.get(app.url(&wasm)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let res = app.http.get(app.url(&wasm)).send().await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"\0asm\x01\0\0\0".repeat(100).as_slice());
    // a plain name (a build without the hashing step) may change: a short cache
    let res = app.http.get(app.url("/pkg/byline.css")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "public, max-age=300");
    // Trunk's build manifest is not part of the site's files any more than before
    assert!(!html.contains("index.html"));
}

#[tokio::test]
async fn with_javascript_a_post_names_the_next_page_and_a_refusal_is_the_page_again() {
    let app = spawn().await;
    let k = key();
    let res =
        app.post_swapped("/api/post_comment", &comment("Ada", "", "Posted in the background", &k)).await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert!(res.location.is_none(), "a redirect would be followed by fetch and lose the #fragment");
    let next = res.headers["byline-location"].to_str().unwrap();
    assert!(next.starts_with(&format!("{ARTICLE}#comment-")), "{next}");
    assert_eq!(app.comment_count().await, 1);

    let k = key();
    let res = app.post_swapped("/api/post_comment", &comment("", "", "No name given", &k)).await;
    assert_eq!(res.status, 400);
    assert!(res.headers.get("byline-location").is_none());
    assert!(res.body.contains("Please enter your name."));
    assert!(res.body.contains(">No name given</textarea>"), "the text was lost");
    assert_eq!(app.comment_count().await, 1);
}
