use super::{Pool, StoreError};
use crate::domain::comment::reply_placement;
use crate::domain::thread::{Cursor, Filter, Sort, ThreadQuery, PAGE_SIZE};
use crate::domain::CommentView;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

pub struct NewComment<'a> {
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: &'a str,
    pub author_email: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub submission_key: &'a str,
    pub reader_id: &'a str,
    pub ip_hash: &'a str,
    pub created_at: i64,
    /// A feedback: the passage it is about (resolved in the insert's transaction).
    pub passage: Option<&'a crate::domain::FeedbackTarget>,
    /// The article's HTML, to check a reader's quote against.
    pub article_html: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Inserted {
    New(i64),
    /// The same form submission arrived before: this is the comment it made.
    Repeat(i64),
}

#[derive(Debug, PartialEq, Eq)]
pub enum InsertError {
    /// The comment replied to is not an approved comment of this article.
    NoSuchParent,
    /// The feedback's passage was refused (not in the article, too long…).
    Refused(crate::domain::ApiError),
    Store(String),
}

impl From<sqlx::Error> for InsertError {
    fn from(e: sqlx::Error) -> Self {
        InsertError::Store(e.to_string())
    }
}

/// Stores a comment once per (reader, submission key), placing replies within the depth limit
/// and keeping the article's and the thread's counters in the same transaction.
pub async fn insert(pool: &Pool, c: &NewComment<'_>) -> Result<Inserted, InsertError> {
    // IMMEDIATE takes the write lock up front: two racing submissions queue instead of
    // failing to upgrade a read transaction.
    // the key is unique per reader: another reader's key is not theirs to repeat
    let key = format!("{}:{}", c.reader_id, c.submission_key);
    let mut tx = super::begin(pool).await?;
    // end the transaction explicitly on every path: a dropped one would keep the write lock
    // until its connection is used again (a repeated key changes nothing: rolled back)
    match insert_in(&mut tx, c, &key).await {
        Ok(Inserted::New(id)) => {
            tx.commit().await?;
            Ok(Inserted::New(id))
        }
        other => {
            tx.rollback().await?;
            other
        }
    }
}

async fn insert_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    c: &NewComment<'_>,
    key: &str,
) -> Result<Inserted, InsertError> {
    if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM comments WHERE submission_key = ?")
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?
    {
        return Ok(Inserted::Repeat(id));
    }
    let (parent_id, root_id, depth) = match c.parent_id {
        None => (None, None, 1),
        Some(pid) => {
            let parent = sqlx::query(
                "SELECT parent_id, root_id, depth FROM comments
                 WHERE id = ? AND article_id = ? AND status = 'approved'",
            )
            .bind(pid)
            .bind(c.article_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(InsertError::NoSuchParent)?;
            let root: Option<i64> = parent.get("root_id");
            let (under_parent, depth) = reply_placement(parent.get("depth"));
            let parent_id = if under_parent { Some(pid) } else { parent.get::<Option<i64>, _>("parent_id") };
            (parent_id, Some(root.unwrap_or(pid)), depth)
        }
    };
    // a feedback is a top-level comment that also records its passage
    let passage_id = match (c.passage, parent_id) {
        (Some(target), None) => {
            match super::passages::resolve(&mut *tx, c.article_id, c.article_html, target, c.created_at)
                .await?
            {
                Ok(id) => Some(id),
                Err(refusal) => return Err(InsertError::Refused(refusal)),
            }
        }
        _ => None,
    };
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO comments (article_id, parent_id, root_id, depth, author_name, author_email, body,
                               body_html, created_at, submission_key, reader_id, ip_hash, passage_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(c.article_id)
    .bind(parent_id)
    .bind(root_id)
    .bind(depth)
    .bind(c.author_name)
    .bind(c.author_email)
    .bind(c.body)
    .bind(c.body_html)
    .bind(c.created_at)
    .bind(key)
    .bind(c.reader_id)
    .bind(c.ip_hash)
    .bind(passage_id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE comments SET root_id = id WHERE id = ? AND root_id IS NULL")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE articles SET comment_count = comment_count + 1 WHERE id = ?")
        .bind(c.article_id)
        .execute(&mut **tx)
        .await?;
    if let Some(root) = root_id {
        sqlx::query("UPDATE comments SET reply_count = reply_count + 1 WHERE id = ?")
            .bind(root)
            .execute(&mut **tx)
            .await?;
    }
    // the comment is approved as it is stored: who must hear of it is decided in this
    // transaction, and the worker sends the mail later
    super::notify::enqueue_for_comment(tx, id, c.created_at).await?;
    Ok(Inserted::New(id))
}

/// The passage a feedback is about.
pub async fn passage_of(pool: &Pool, comment_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT passage_id FROM comments WHERE id = ?")
        .bind(comment_id)
        .fetch_optional(pool)
        .await?
        .flatten())
}

/// The comment a reader's form submission made, if it arrived before.
pub async fn by_key(pool: &Pool, reader_id: &str, key: &str) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar("SELECT id FROM comments WHERE submission_key = ?")
        .bind(format!("{reader_id}:{key}"))
        .fetch_optional(pool)
        .await?)
}

/// Texts this long or longer are duplicates whoever repeats them (a bot rotating cookies and
/// addresses); a shorter one ("Agreed.", "Thank you!") only when the same reader or email
/// repeats it, since two readers may well say it.
pub const DUPLICATE_ANYONE_CHARS: usize = 20;

/// Has this text been posted on this article since `since` — by anyone for a text of
/// `DUPLICATE_ANYONE_CHARS` or more, else by this reader or email?
pub async fn is_duplicate(
    pool: &Pool,
    article_id: i64,
    reader_id: &str,
    email: Option<&str>,
    body: &str,
    since: i64,
) -> Result<bool, StoreError> {
    let anyone = body.chars().count() >= DUPLICATE_ANYONE_CHARS;
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM comments
                        WHERE article_id = ?1 AND created_at >= ?2 AND status <> 'deleted' AND body = ?3
                          AND (?4 OR reader_id = ?5 OR (?6 IS NOT NULL AND author_email = ?6)))",
    )
    .bind(article_id)
    .bind(since)
    .bind(body)
    .bind(anyone)
    .bind(reader_id)
    .bind(email)
    .fetch_one(pool)
    .await?)
}

/// Who may see what: the reader asking, the time, and how long authors may edit.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub reader_id: Option<&'a str>,
    pub now: i64,
    pub edit_window: i64,
}

/// One page of the thread: top-level comments with all their visible replies.
#[derive(Debug, Default)]
pub struct Page {
    pub roots: Vec<CommentView>,
    pub replies: Vec<CommentView>,
    pub next: Option<Cursor>,
    /// For the filters and permalinks: the comment to point at.
    pub highlight: Option<i64>,
}

const COLUMNS: &str = "c.id, c.parent_id, c.root_id, c.depth, c.status, c.author_name, c.body, c.body_html,
     c.created_at, c.edited_at, c.score, c.reply_count, c.reader_id, c.passage_id,
     (SELECT p.quote FROM passages p WHERE p.id = c.passage_id) AS passage_quote,
     (SELECT p.start_at IS NULL FROM passages p WHERE p.id = c.passage_id) AS passage_changed,
     COALESCE((SELECT v.value FROM comment_votes v WHERE v.comment_id = c.id AND v.reader_id = ?1), 0) AS my_vote";

/// The most top-level comments a page extended by `until` shows (five pages).
pub const MAX_UNTIL: i64 = PAGE_SIZE * 5;

/// A top-level comment is shown while approved, or deleted with replies to keep in place.
const VISIBLE_ROOT: &str = "(c.status = 'approved' OR (c.status = 'deleted' AND c.reply_count > 0))";

fn view(r: &SqliteRow, v: &Viewer) -> CommentView {
    let status: String = r.get("status");
    let deleted = status == "deleted";
    let mine = v.reader_id.is_some() && r.get::<Option<String>, _>("reader_id").as_deref() == v.reader_id;
    let created_at: i64 = r.get("created_at");
    let editable = mine && !deleted && v.now - created_at < v.edit_window;
    CommentView {
        id: r.get("id"),
        parent_id: r.get("parent_id"),
        depth: r.get("depth"),
        author_name: if deleted { String::new() } else { r.get("author_name") },
        body_html: if deleted { String::new() } else { r.get("body_html") },
        created_at,
        score: r.get("score"),
        my_vote: r.get::<i64, _>("my_vote") as i8,
        mine,
        editable_until: editable.then_some(created_at + v.edit_window),
        source: editable.then(|| r.get("body")),
        deleted,
        edited: r.get::<Option<i64>, _>("edited_at").is_some(),
        reply_count: r.get("reply_count"),
        passage: r.get::<Option<i64>, _>("passage_id").map(|id| crate::domain::PassageRef {
            id,
            quote: crate::domain::passage::words(
                &r.get::<Option<String>, _>("passage_quote").unwrap_or_default(),
                20,
            ),
            changed: r.get::<Option<bool>, _>("passage_changed").unwrap_or(true),
        }),
    }
}

/// The page of the thread `q` asks for. With `until`, the first page reaches through that
/// position instead (what "Load more" has shown), so a refresh keeps the reader's place.
pub async fn page(
    pool: &Pool,
    article_id: i64,
    q: &ThreadQuery,
    until: Option<Cursor>,
    v: &Viewer<'_>,
) -> Result<Page, StoreError> {
    let reader = v.reader_id.unwrap_or("");
    let mut next = None;
    // which top-level comments, in which order
    let (root_rows, highlight) = if let Some(focus) = q.focus {
        let root: Option<(i64,)> = sqlx::query_as(
            "SELECT COALESCE(root_id, id) FROM comments
             WHERE id = ? AND article_id = ? AND status IN ('approved', 'deleted')",
        )
        .bind(focus)
        .bind(article_id)
        .fetch_optional(pool)
        .await?;
        (roots_by_id(pool, root.map(|r| r.0), reader).await?, Some(focus))
    } else if let Some(filter @ (Filter::Reacted | Filter::Hottest)) = q.filter {
        let pick: Option<(i64, i64)> = if filter == Filter::Reacted {
            sqlx::query_as(
                "SELECT COALESCE(root_id, id), id FROM comments
                 WHERE article_id = ? AND status = 'approved' AND score > 0
                 ORDER BY score DESC, id ASC LIMIT 1",
            )
        } else {
            sqlx::query_as(
                "SELECT id, id FROM comments
                 WHERE article_id = ? AND parent_id IS NULL AND status = 'approved' AND reply_count > 0
                 ORDER BY reply_count DESC, id ASC LIMIT 1",
            )
        }
        .bind(article_id)
        .fetch_optional(pool)
        .await?;
        (roots_by_id(pool, pick.map(|p| p.0), reader).await?, pick.map(|p| p.1))
    } else {
        let (from, to) = match (q.after, until) {
            (Some(after), _) => (Some(after), None),
            (None, until) => (None, until),
        };
        let feedback = q.filter == Some(Filter::Feedback);
        let mut rows = top_level(pool, article_id, q.sort, from, to, reader, feedback).await?;
        if to.is_none() && rows.len() as i64 > PAGE_SIZE {
            rows.truncate(PAGE_SIZE as usize);
            next = rows.last().map(|r| cursor_of(r, q.sort));
        } else if let Some(to) = to {
            // cut short by MAX_UNTIL: "Load more" continues after the last one shown
            let last = rows.last().map(|r| cursor_of(r, q.sort)).filter(|_| rows.len() as i64 >= MAX_UNTIL);
            let from = last.unwrap_or(to);
            let more = top_level(pool, article_id, q.sort, Some(from), None, reader, feedback).await?;
            next = (!more.is_empty()).then_some(from);
        }
        (rows, None)
    };
    let roots: Vec<CommentView> = root_rows.iter().map(|r| view(r, v)).collect();
    let ids = serde_json::to_string(&roots.iter().map(|c| c.id).collect::<Vec<_>>()).unwrap_or_default();
    let reply_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM comments c
         WHERE c.root_id IN (SELECT value FROM json_each(?2)) AND c.id <> c.root_id
           AND c.status IN ('approved', 'deleted')
         ORDER BY c.created_at, c.id"
    )))
    .bind(reader)
    .bind(ids)
    .fetch_all(pool)
    .await?;
    let replies = reply_rows.iter().map(|r| view(r, v)).collect();
    Ok(Page { roots, replies, next, highlight })
}

fn cursor_of(r: &SqliteRow, sort: Sort) -> Cursor {
    let key = if sort == Sort::Votes { r.get("score") } else { r.get("created_at") };
    Cursor { key, id: r.get("id") }
}

async fn roots_by_id(pool: &Pool, id: Option<i64>, reader: &str) -> Result<Vec<SqliteRow>, StoreError> {
    let Some(id) = id else { return Ok(Vec::new()) };
    Ok(sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM comments c WHERE c.id = ?2 AND {VISIBLE_ROOT}"
    )))
    .bind(reader)
    .bind(id)
    .fetch_all(pool)
    .await?)
}

/// Top-level comments in `sort` order: after `from` (exclusive, one page and one more to
/// tell whether there is a next page), or from the start through `to` (inclusive).
/// Each sort walks its own index from the cursor, so a page costs the same in a thread of
/// a hundred comments or of ten thousand.
async fn top_level(
    pool: &Pool,
    article_id: i64,
    sort: Sort,
    from: Option<Cursor>,
    to: Option<Cursor>,
    reader: &str,
    feedback_only: bool,
) -> Result<Vec<SqliteRow>, StoreError> {
    let (order, after, through, key) = match sort {
        Sort::Newest => ("c.created_at DESC, c.id DESC", "<", ">=", "c.created_at"),
        Sort::Oldest => ("c.created_at ASC, c.id ASC", ">", "<=", "c.created_at"),
        Sort::Votes => ("c.score DESC, c.id DESC", "<", ">=", "c.score"),
    };
    let only = if feedback_only { "AND c.passage_id IS NOT NULL" } else { "" };
    let sql = format!(
        "SELECT {COLUMNS} FROM comments c
         WHERE c.article_id = ?2 AND c.parent_id IS NULL AND {VISIBLE_ROOT} {only}
           AND (?3 IS NULL OR ({key}, c.id) {after} (?3, ?4))
           AND (?5 IS NULL OR ({key}, c.id) {through} (?5, ?6))
         ORDER BY {order} LIMIT ?7"
    );
    // `until` (a refreshed "Load more") reaches at most MAX_UNTIL top-level comments: a URL
    // cannot make one page read the whole thread
    let limit = if to.is_some() { MAX_UNTIL } else { PAGE_SIZE + 1 };
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(reader)
        .bind(article_id)
        .bind(from.map(|c| c.key))
        .bind(from.map(|c| c.id))
        .bind(to.map(|c| c.key))
        .bind(to.map(|c| c.id))
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// Every approved comment of an article, oldest first (exports, feeds, tests).
pub async fn approved_ids(pool: &Pool, article_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM comments WHERE article_id = ? AND status = 'approved' ORDER BY created_at, id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?)
}

/// Approved comments of an article newer than `after_id` (live updates after a reconnect).
pub async fn approved_since(
    pool: &Pool,
    article_id: i64,
    after_id: i64,
) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, parent_id FROM comments WHERE article_id = ? AND status = 'approved' AND id > ?
         ORDER BY id LIMIT 500",
    )
    .bind(article_id)
    .bind(after_id)
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    pub article_id: i64,
    pub reader_id: Option<String>,
    pub ip_hash: Option<String>,
    pub created_at: i64,
    pub status: String,
    pub root_id: Option<i64>,
    pub parent_id: Option<i64>,
}

pub async fn owner(pool: &Pool, id: i64) -> Result<Option<Owned>, StoreError> {
    let row = sqlx::query(
        "SELECT article_id, reader_id, ip_hash, created_at, status, root_id, parent_id FROM comments WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Owned {
        article_id: r.get("article_id"),
        reader_id: r.get("reader_id"),
        ip_hash: r.get("ip_hash"),
        created_at: r.get("created_at"),
        status: r.get("status"),
        root_id: r.get("root_id"),
        parent_id: r.get("parent_id"),
    }))
}

pub async fn update_body(
    pool: &Pool,
    id: i64,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE comments SET body = ?, body_html = ?, edited_at = ? WHERE id = ?")
        .bind(body)
        .bind(body_html)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Marks a comment deleted (its text goes), keeping the counters right. Replies keep their place
/// under a "deleted" marker; a deleted comment without visible replies is not shown at all.
pub async fn mark_deleted(pool: &Pool, id: i64) -> Result<(), StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = mark_deleted_in(&mut tx, id).await;
    super::end(tx, result).await
}

async fn mark_deleted_in(tx: &mut sqlx::SqliteConnection, id: i64) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT article_id, root_id, status FROM comments WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row.filter(|r| r.get::<String, _>("status") == "approved") else {
        return Ok(());
    };
    sqlx::query("UPDATE comments SET status = 'deleted', body = '', body_html = '' WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE articles SET comment_count = comment_count - 1 WHERE id = ?")
        .bind(row.get::<i64, _>("article_id"))
        .execute(&mut *tx)
        .await?;
    let root: Option<i64> = row.get("root_id");
    if let Some(root) = root.filter(|r| *r != id) {
        sqlx::query("UPDATE comments SET reply_count = reply_count - 1 WHERE id = ?")
            .bind(root)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteResult {
    pub score: i64,
    pub my_vote: i8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteError {
    /// Another reader already voted on this comment from the same client address.
    AddressVoted,
    Store(String),
}

impl From<sqlx::Error> for VoteError {
    fn from(e: sqlx::Error) -> Self {
        VoteError::Store(e.to_string())
    }
}

/// A vote, and who cast it.
#[derive(Debug, Clone, Copy)]
pub struct Voter<'a> {
    pub reader_id: &'a str,
    pub ip_hash: &'a str,
    /// One vote per comment per client address too (wpDiscuz's "vote by IP").
    pub one_per_address: bool,
}

/// One vote per reader per comment: the same vote again removes it, the other one switches it.
/// With `one_per_address`, a vote from an address another reader already voted from is refused
/// (dropping the cookie does not make a new voter).
pub async fn toggle_vote(
    pool: &Pool,
    comment_id: i64,
    voter: Voter<'_>,
    value: i8,
    now: i64,
) -> Result<VoteResult, VoteError> {
    let mut tx = super::begin(pool).await?;
    let result = toggle_vote_in(&mut tx, comment_id, voter, value, now).await;
    super::end(tx, result).await
}

async fn toggle_vote_in(
    tx: &mut sqlx::SqliteConnection,
    comment_id: i64,
    voter: Voter<'_>,
    value: i8,
    now: i64,
) -> Result<VoteResult, VoteError> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT value FROM comment_votes WHERE comment_id = ? AND reader_id = ?")
            .bind(comment_id)
            .bind(voter.reader_id)
            .fetch_optional(&mut *tx)
            .await?;
    if existing.is_none() && voter.one_per_address {
        let from_address: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM comment_votes WHERE comment_id = ? AND ip_hash = ? AND reader_id <> ?)",
        )
        .bind(comment_id)
        .bind(voter.ip_hash)
        .bind(voter.reader_id)
        .fetch_one(&mut *tx)
        .await?;
        if from_address {
            return Err(VoteError::AddressVoted);
        }
    }
    let value = i64::from(value);
    let my_vote = match existing {
        Some(v) if v == value => {
            sqlx::query("DELETE FROM comment_votes WHERE comment_id = ? AND reader_id = ?")
                .bind(comment_id)
                .bind(voter.reader_id)
                .execute(&mut *tx)
                .await?;
            0
        }
        _ => {
            sqlx::query(
                "INSERT INTO comment_votes (comment_id, reader_id, value, created_at, ip_hash) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (comment_id, reader_id) DO UPDATE SET value = excluded.value",
            )
            .bind(comment_id)
            .bind(voter.reader_id)
            .bind(value)
            .bind(now)
            .bind(voter.ip_hash)
            .execute(&mut *tx)
            .await?;
            value
        }
    };
    let score: i64 = sqlx::query_scalar(
        "UPDATE comments SET
            upvotes = (SELECT COUNT(*) FROM comment_votes WHERE comment_id = ?1 AND value = 1),
            downvotes = (SELECT COUNT(*) FROM comment_votes WHERE comment_id = ?1 AND value = -1),
            score = (SELECT COALESCE(SUM(value), 0) FROM comment_votes WHERE comment_id = ?1)
         WHERE id = ?1 RETURNING score",
    )
    .bind(comment_id)
    .fetch_one(&mut *tx)
    .await?;
    Ok(VoteResult { score, my_vote: my_vote as i8 })
}
