//! Every write transaction ends.
#[allow(unused_imports)]
use super::*;

#[tokio::test]
async fn a_vote_or_a_delete_that_fails_midway_leaves_the_database_writable() {
    let app = spawn().await;
    let id = app.comment_as(&app.other_reader(), "A", "A comment to fail on", None).await;
    // make the last statement of each transaction fail, as a full disk or a bug would
    refuse_writes(&app, "fail_score", "BEFORE UPDATE OF score ON comments").await;
    refuse_writes(&app, "fail_count", "BEFORE UPDATE OF comment_count ON articles").await;
    let voter = app::server::store::comments::Voter { reader_id: "r", ip_hash: "h", one_per_address: true };
    assert!(app::server::store::comments::toggle_vote(&app.pool, id, voter, 1, 0).await.is_err());
    assert!(app::server::store::comments::mark_deleted(&app.pool, id).await.is_err());
    // another process (its own pool) can still write at once: no transaction kept the lock
    let other = app::server::store::connect(&app.db_url, std::time::Duration::from_secs(10)).await.unwrap();
    let write = db::query("INSERT INTO settings (name, value) VALUES ('probe', 'x')").execute(&other);
    let done = tokio::time::timeout(Duration::from_secs(3), write).await;
    assert!(matches!(done, Ok(Ok(_))), "the write waited on a lock left behind: {done:?}");
    let votes: i64 = db::query_scalar("SELECT COUNT(*) FROM comment_votes").fetch_one(&other).await.unwrap();
    assert_eq!(votes, 0, "the failed vote was rolled back");
}
