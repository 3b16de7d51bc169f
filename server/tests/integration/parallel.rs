//! Several servers in one process (the test suites run in parallel): starting one never stalls
//! another's pages.
use crate::common::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Leptos suppresses resource loading in the whole process while it walks the app for its
/// route list; a page whose data began loading during that walk waited forever. Here servers
/// are assembled over and over on another thread while this one answers article pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assembling_a_server_does_not_stall_pages_another_server_is_rendering() {
    let app = spawn().await;
    app.comment_as(&app.me(), "Ada", "A comment for the page to load", None).await;
    let stop = Arc::new(AtomicBool::new(false));
    let built_so_far = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let assembling = {
        let stop = stop.clone();
        let counter = built_so_far.clone();
        std::thread::spawn(move || {
            let dir = tempfile::tempdir().expect("temp dir");
            let config = test_config(dir.path(), "127.0.0.1:0".parse().unwrap());
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let mut built = 0;
            while !stop.load(Ordering::Relaxed) {
                rt.block_on(async {
                    let state = server::prepare(&config).await.expect("prepare");
                    drop(server::router(state, &config));
                });
                built += 1;
                counter.store(built, Ordering::Relaxed);
            }
            built
        })
    };
    let (mut answered, mut stalled, mut rounds) = (0, 0, 0);
    // at least 50 rounds of pages, and until 20 servers were assembled meanwhile
    while rounds < 50 || (built_so_far.load(Ordering::Relaxed) < 20 && rounds < 5000) {
        rounds += 1;
        let readers: Vec<_> = (0..4).map(|_| app.other_reader()).collect();
        // a render takes milliseconds; the bound only keeps a stalled page from hanging the suite
        let pages = readers.iter().map(|r| tokio::time::timeout(Duration::from_secs(20), r.get(ARTICLE)));
        for page in futures::future::join_all(pages).await {
            match page {
                Ok(page) => {
                    assert_eq!(page.status, 200);
                    assert!(page.body.contains("A comment for the page to load"));
                    answered += 1;
                }
                Err(_) => stalled += 1,
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let built = assembling.join().unwrap();
    assert!(built >= 20, "only {built} servers were assembled while the pages were rendered");
    assert_eq!((answered, stalled), (rounds * 4, 0), "pages stalled while {built} servers were assembled");
}
