//! Passages of articles ("Inline Feedbacks"): anchoring them at import, and what the article
//! page shows of them.
use super::{Pool, StoreError};
use db::Conn;
use domain::passage::FeedbackPassage;
use domain::passage::{anchor, normalize, plain_text, selector_at, Selector, QUOTE_MAX, QUOTE_MIN};
use domain::{ApiError, PassageView, RecentFeedback};

struct Stored {
    id: i64,
    origin: String,
    key: Option<String>,
    quote: String,
    range: Option<(usize, usize)>,
}

/// A passage as stored, before it is anchored again.
struct Row {
    id: i64,
    origin: String,
    key: Option<String>,
    quote: String,
    prefix: String,
    suffix: String,
    position: i64,
    start_at: Option<i64>,
    end_at: Option<i64>,
}
db::from_row!(Row { id, origin, key, quote, prefix, suffix, position, start_at, end_at });

/// A passage the article page shows, before its recent feedback is added.
struct Shown {
    id: i64,
    origin: String,
    marked: bool,
    question: Option<String>,
    quote: String,
    start_at: i64,
    end_at: i64,
    n: i64,
}
db::from_row!(Shown { id, origin, marked, question, quote, start_at, end_at, n });
db::from_row!(RecentFeedback { comment_id, author, excerpt: String => |body: String| {
    domain::text::excerpt(&normalize(&body), 85)
} });

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Anchors every passage of an article again in its (possibly edited) text, then applies the
/// front matter's `feedback` list (none: the marks stay as they are, for a desk edit): passages the editor still marks keep their id (matched by
/// `id`, else by place, else by quote); new ones are added; dropped ones stop being marked
/// but keep their feedback. A passage that cannot be found keeps its last selector and reads
/// as "changed".
pub async fn sync(
    tx: &mut Conn,
    article_id: i64,
    body_html: &str,
    feedback: Option<&[FeedbackPassage]>,
    now: i64,
) -> Result<(), db::Error> {
    let text = plain_text(body_html);
    let rows: Vec<Row> = db::query_as(
        "SELECT id, origin, key, quote, prefix, suffix, position, start_at, end_at
         FROM passages WHERE article_id = $1 ORDER BY id",
    )
    .bind(article_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut stored = Vec::new();
    for r in rows {
        let sel = Selector {
            exact: r.quote,
            prefix: r.prefix,
            suffix: r.suffix,
            position: r.position.max(0) as usize,
        };
        let id = r.id;
        let was = (r.start_at, r.end_at);
        let found = anchor(&text, &sel);
        let now_at = found.map(|(s, e)| (s as i64, e as i64));
        if (now_at.map(|a| a.0), now_at.map(|a| a.1)) != was
            || found.is_some_and(|(s, e)| selector_at(&text, s, e) != sel)
        {
            match found {
                Some((s, e)) => {
                    place(&mut *tx, id, &text, (s, e)).await?;
                }
                None => {
                    tracing::info!(
                        passage = id,
                        "a passage was not found in the edited article: marked changed"
                    );
                    db::query("UPDATE passages SET start_at = NULL, end_at = NULL WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        stored.push(Stored {
            id,
            origin: r.origin,
            key: r.key,
            quote: found.map(|(s, e)| text.chars().skip(s).take(e - s).collect()).unwrap_or(sel.exact),
            range: found,
        });
    }

    let Some(feedback) = feedback else {
        return Ok(());
    };
    let mut marked = Vec::new();
    for f in feedback {
        let quote = normalize(&f.passage);
        let exact =
            Selector { exact: quote.clone(), prefix: String::new(), suffix: String::new(), position: 0 };
        let Some((s, e)) = anchor(&text, &exact).filter(|_| text.contains(&quote)) else {
            tracing::warn!(passage = %quote, "front matter: this feedback passage is not in the article's text");
            continue;
        };
        let editor = stored.iter().filter(|p| p.origin == "editor" && !marked.contains(&p.id));
        let same = match &f.id {
            Some(key) => editor.clone().find(|p| p.key.as_deref() == Some(key)),
            None => None,
        }
        .or_else(|| editor.clone().find(|p| p.key.is_none() && p.range.is_some_and(|r| overlaps(r, (s, e)))))
        .or_else(|| editor.clone().find(|p| p.key.is_none() && p.quote == quote));
        let question = f.question.trim();
        match same {
            Some(p) => {
                db::query("UPDATE passages SET question = $1, key = $2, marked = 1 WHERE id = $3")
                    .bind(question)
                    .bind(&f.id)
                    .bind(p.id)
                    .execute(&mut *tx)
                    .await?;
                if p.range != Some((s, e)) {
                    // the editor says where the passage is now
                    place(&mut *tx, p.id, &text, (s, e)).await?;
                }
                marked.push(p.id);
            }
            None => {
                let fresh = selector_at(&text, s, e);
                let id: i64 = db::query_scalar(
                    "INSERT INTO passages (article_id, origin, key, question, quote, prefix, suffix, position,
                                           start_at, end_at, marked, created_at)
                     VALUES ($1, 'editor', $2, $3, $4, $5, $6, $7, $8, $9, 1, $10) RETURNING id",
                )
                .bind(article_id)
                .bind(&f.id)
                .bind(question)
                .bind(&fresh.exact)
                .bind(&fresh.prefix)
                .bind(&fresh.suffix)
                .bind(s as i64)
                .bind(s as i64)
                .bind(e as i64)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                marked.push(id);
            }
        }
    }
    let marked_json = serde_json::to_string(&marked).unwrap_or_else(|_| "[]".into());
    db::query(
        "UPDATE passages SET marked = 0
         WHERE article_id = $1 AND origin = 'editor' AND id NOT IN (SELECT value FROM json_each($2))",
    )
    .or_postgres("UPDATE passages SET marked = 0
         WHERE article_id = $1 AND origin = 'editor' AND id NOT IN (SELECT value::bigint FROM jsonb_array_elements_text($2::jsonb))")
    .bind(article_id)
    .bind(marked_json)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Whether passage `id` is one of this article's.
pub async fn is_of(pool: &Pool, article_id: i64, id: i64) -> Result<bool, StoreError> {
    Ok(db::query_scalar("SELECT EXISTS (SELECT 1 FROM passages WHERE id = $1 AND article_id = $2)")
        .bind(id)
        .bind(article_id)
        .fetch_one(pool)
        .await?)
}

/// The passages an article page shows: the editor's marked ones, and any passage with
/// feedback, wherever they can be found in the current text; with their counts and the last
/// three feedbacks.
pub async fn for_article(pool: &Pool, article_id: i64) -> Result<Vec<PassageView>, StoreError> {
    let rows: Vec<Shown> = db::query_as(
        "SELECT p.id, p.origin, p.marked, p.question, p.quote, p.start_at, p.end_at,
                (SELECT COUNT(*) FROM comments c WHERE c.passage_id = p.id AND c.status = 'approved') AS n
         FROM passages p
         WHERE p.article_id = $1 AND p.start_at IS NOT NULL
         ORDER BY p.start_at, p.id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let count = r.n;
        let marked = r.origin == "editor" && r.marked;
        if !marked && count == 0 {
            continue;
        }
        let id = r.id;
        let recent = db::query_as(
            "SELECT id AS comment_id, author_name AS author, body AS excerpt FROM comments
             WHERE passage_id = $1 AND status = 'approved' ORDER BY created_at DESC, id DESC LIMIT 3",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        out.push(PassageView {
            id,
            question: if marked { r.question } else { None },
            quote: r.quote,
            start: r.start_at as usize,
            end: r.end_at as usize,
            count,
            recent,
        });
    }
    Ok(out)
}

/// The passage a feedback is about: an existing one of this article, or — for a passage a
/// reader selected — the place the quote has in the article (validated: it must be there),
/// reusing a passage already at that place.
pub async fn resolve(
    conn: &mut Conn,
    article_id: i64,
    body_html: &str,
    target: &domain::FeedbackTarget,
    now: i64,
) -> Result<Result<i64, ApiError>, db::Error> {
    use domain::FeedbackTarget;
    match target {
        FeedbackTarget::Passage(id) => {
            let ok: Option<i64> =
                db::query_scalar("SELECT id FROM passages WHERE id = $1 AND article_id = $2")
                    .bind(id)
                    .bind(article_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            Ok(ok.ok_or_else(|| ApiError::field("body", "This passage is no longer in the article.")))
        }
        FeedbackTarget::Quote(sel) => {
            let text = plain_text(body_html);
            let exact = normalize(&sel.exact);
            let n = exact.chars().count();
            if n < QUOTE_MIN {
                return Ok(Err(ApiError::field("body", "Select a few words of the article to comment on.")));
            }
            if n > QUOTE_MAX {
                return Ok(Err(ApiError::field(
                    "body",
                    format!(
                        "That passage is too long to comment on: {n} characters, the limit is {QUOTE_MAX}."
                    ),
                )));
            }
            if !text.contains(&exact) {
                return Ok(Err(ApiError::field("body", "The selected text is not in this article.")));
            }
            let wanted = Selector { exact, ..sel.clone() };
            let Some((s, e)) = anchor(&text, &wanted) else {
                return Ok(Err(ApiError::field("body", "The selected text is not in this article.")));
            };
            let existing: Option<i64> = db::query_scalar(
                "SELECT id FROM passages WHERE article_id = $1 AND start_at = $2 AND end_at = $3 ORDER BY id LIMIT 1",
            )
            .bind(article_id)
            .bind(s as i64)
            .bind(e as i64)
            .fetch_optional(&mut *conn)
            .await?;
            if let Some(id) = existing {
                return Ok(Ok(id));
            }
            let fresh = selector_at(&text, s, e);
            let id: i64 = db::query_scalar(
                "INSERT INTO passages (article_id, origin, quote, prefix, suffix, position, start_at, end_at,
                                       marked, created_at)
                 VALUES ($1, 'reader', $2, $3, $4, $5, $6, $7, 1, $8) RETURNING id",
            )
            .bind(article_id)
            .bind(&fresh.exact)
            .bind(&fresh.prefix)
            .bind(&fresh.suffix)
            .bind(s as i64)
            .bind(s as i64)
            .bind(e as i64)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
            Ok(Ok(id))
        }
    }
}

/// Stores where passage `id` now is in the article's `text` (characters `start..end`), with
/// its selector taken afresh from there.
async fn place(
    conn: &mut db::Conn,
    id: i64,
    text: &str,
    (start, end): (usize, usize),
) -> Result<(), db::Error> {
    let fresh = selector_at(text, start, end);
    db::query(
        "UPDATE passages SET quote = $1, prefix = $2, suffix = $3, position = $4, start_at = $5, end_at = $6
         WHERE id = $7",
    )
    .bind(&fresh.exact)
    .bind(&fresh.prefix)
    .bind(&fresh.suffix)
    .bind(start as i64)
    .bind(start as i64)
    .bind(end as i64)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
