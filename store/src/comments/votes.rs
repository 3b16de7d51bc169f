//! Votes: one per reader (and per client address) and comment; the same vote again takes it back.
use crate::Pool;

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

impl From<db::Error> for VoteError {
    fn from(e: db::Error) -> Self {
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
    let mut tx = crate::begin(pool).await?;
    let result = toggle_vote_in(&mut tx, comment_id, voter, value, now).await;
    crate::end(tx, result).await
}

pub(super) async fn toggle_vote_in(
    tx: &mut db::Conn,
    comment_id: i64,
    voter: Voter<'_>,
    value: i8,
    now: i64,
) -> Result<VoteResult, VoteError> {
    let existing: Option<i64> =
        db::query_scalar("SELECT value FROM comment_votes WHERE comment_id = $1 AND reader_id = $2")
            .bind(comment_id)
            .bind(voter.reader_id)
            .fetch_optional(&mut *tx)
            .await?;
    if existing.is_none() && voter.one_per_address {
        let from_address: bool = db::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM comment_votes WHERE comment_id = $1 AND ip_hash = $2 AND reader_id <> $3)",
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
            db::query("DELETE FROM comment_votes WHERE comment_id = $1 AND reader_id = $2")
                .bind(comment_id)
                .bind(voter.reader_id)
                .execute(&mut *tx)
                .await?;
            0
        }
        _ => {
            db::query(
                "INSERT INTO comment_votes (comment_id, reader_id, value, created_at, ip_hash) VALUES ($1, $2, $3, $4, $5)
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
    let score = recount_votes(&mut *tx, comment_id).await?;
    Ok(VoteResult { score, my_vote: my_vote as i8 })
}

/// Counts a comment's votes again (those it arrived with in an import, and its readers'),
/// after a vote is cast, taken back or erased; the new score.
pub(crate) async fn recount_votes(tx: &mut db::Conn, comment_id: i64) -> Result<i64, db::Error> {
    db::query_scalar(
        "UPDATE comments SET
            upvotes = imported_up + (SELECT COUNT(*) FROM comment_votes WHERE comment_id = $1 AND value = 1),
            downvotes = imported_down + (SELECT COUNT(*) FROM comment_votes WHERE comment_id = $1 AND value = -1),
            score = imported_up - imported_down
                    + (SELECT COALESCE(SUM(value), 0) FROM comment_votes WHERE comment_id = $1)
         WHERE id = $1 RETURNING score",
    )
    .bind(comment_id)
    .fetch_one(tx)
    .await
}
