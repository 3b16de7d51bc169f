//! Issue "A second look": each hole the attacker's and the tester's reading of main found, as a
//! test that failed before its fix. One file per hole or group of holes.
use crate::common::*;

mod cache;
mod connections;
mod cookieless;
mod csp;
mod erasure;
mod imports;
mod live;
mod logs;
mod replay;
mod staff;

/// A browser without any cookie (a crawler, a first visit): what the page cache answers.
pub(crate) fn nobody(app: &TestApp) -> Session<'_> {
    Session { app, cookie: String::new() }
}

pub(crate) fn cache_of(r: &Reply) -> &str {
    r.headers.get("x-byline-cache").map_or("none", |v| v.to_str().unwrap())
}

/// The view at `path` as a reader without a cookie gets it, kept by the page cache (asked for
/// until it is a hit): a change that does not drop it would go on showing.
pub(crate) async fn kept(app: &TestApp, path: &str) -> Reply {
    for _ in 0..3 {
        let res = nobody(app).get(path).await;
        assert_eq!(res.status, 200, "{path}");
        if cache_of(&res) == "hit" {
            return res;
        }
    }
    panic!("{path} is not kept for readers without a cookie");
}

/// From now on the database refuses every row written into `table` (a trigger): what a write
/// does when one of its parts fails.
pub(crate) async fn refuse_inserts(app: &TestApp, table: &str) {
    refuse_writes(app, &format!("refuse_{table}"), &format!("BEFORE INSERT ON {table}")).await;
}
