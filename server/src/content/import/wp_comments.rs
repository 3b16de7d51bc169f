//! A WordPress post's comments: each stored once under its old id, replies after their parent,
//! and wpDiscuz's inline feedback matched to the post's passages at its end.
use super::wordpress::Current;
use super::*;

pub(super) async fn comment_in(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    source: &str,
    cur: &mut Current,
    mut c: WpComment,
    opts: &Options,
    report: &mut Report,
) -> Result<(), ImportError> {
    if c.id <= 0 {
        report.skip("comment without an id");
        return Ok(());
    }
    let conn = w.conn().await?;
    if c.parent != 0 && placed(conn, &mut cur.known, source, &c.parent.to_string()).await?.is_none() {
        // kept in memory until its parent comes: not its text when that will be refused anyway
        if c.content.len() > COMMENT_MAX_BYTES {
            c.content.clear();
            c.content_cut = true;
        }
        cur.waiting.wait(c.parent.to_string(), c);
        return Ok(());
    }
    let mut queue = vec![(c, false)];
    while let Some((c, lost)) = queue.pop() {
        if store_wp_comment(site, w, source, cur, &c, opts, report, lost).await? {
            queue.extend(cur.waiting.release(&c.id.to_string()).into_iter().map(|r| (r, false)));
        }
    }
    Ok(())
}

/// Stores one comment; `lost`: its parent is not in the file (it starts its own thread).
/// Returns whether it was stored (its waiting replies may follow).
#[allow(clippy::too_many_arguments)]
async fn store_wp_comment(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    source: &str,
    cur: &mut Current,
    c: &WpComment,
    opts: &Options,
    report: &mut Report,
    lost: bool,
) -> Result<bool, ImportError> {
    let Some(article_id) = cur.article else { return Ok(false) };
    let pingback = matches!(c.comment_type.as_str(), "trackback" | "pingback");
    if pingback && !opts.keep_pingbacks {
        report.skip(format!("{} (pass --keep-pingbacks to keep them)", c.comment_type));
        return Ok(false);
    }
    if !pingback && !matches!(c.comment_type.as_str(), "" | "comment") {
        report.skip(format!("comment of type {}", one_line(&c.comment_type, 40)));
        return Ok(false);
    }
    let Some(status) = status_of(&c.approved) else {
        report.skip(format!("comment in the trash or an unknown state ({})", one_line(&c.approved, 20)));
        return Ok(false);
    };
    if c.content_cut || c.content.len() > COMMENT_MAX_BYTES {
        report.skip("comment longer than WordPress allows (64 KB)");
        return Ok(false);
    }
    let Some(created_at) = text::wp_date(&c.date_gmt).or_else(|| text::wp_date(&c.date)) else {
        report.skip("comment without a date");
        return Ok(false);
    };
    let key = format!("import:{source}:{}", c.id);
    let conn = w.conn().await?;
    let parent = if c.parent != 0 && !lost {
        match placed(conn, &mut cur.known, source, &c.parent.to_string()).await? {
            // a reply names a comment of another post: it starts its own thread here
            Some(p) if p.article_id != article_id => {
                report.notes.push(format!(
                    "comment {} replied to comment {} of another post: shown as a top-level comment",
                    c.id, c.parent
                ));
                None
            }
            other => other,
        }
    } else {
        None
    };
    let body_html = text::comment_body(&c.content);
    let body_text = app::domain::text::html_to_text(&body_html);
    let (up, down) = match c.meta("wpdiscuz_votes_seperate").and_then(text::php_votes) {
        Some(v) => v,
        None => {
            let total: i64 = c.meta("wpdiscuz_votes").and_then(|v| v.trim().parse().ok()).unwrap_or(0);
            let total = total.clamp(-text::VOTES_MAX, text::VOTES_MAX);
            (total.max(0), (-total).max(0))
        }
    };
    let name = one_line(&c.author, 80);
    let email = email_of(&c.email);
    let url = c.url.trim();
    let url =
        (url.len() <= 2_000 && (url.starts_with("http://") || url.starts_with("https://"))).then_some(url);
    let ip_hash = site.ip_hash(&c.ip, created_at);
    let Some(stored) = store::insert_comment(
        conn,
        &ImportedComment {
            id: Some(c.id),
            article_id,
            parent: parent.as_ref(),
            status,
            author_name: if name.is_empty() { "Anonymous" } else { &name },
            author_email: email.as_deref(),
            author_url: url,
            body: &c.content,
            body_html: &body_html,
            body_text: &body_text,
            created_at,
            key: &key,
            ip_hash: ip_hash.as_deref(),
            up,
            down,
        },
    )
    .await?
    else {
        not_written(conn, &key, report).await?;
        return Ok(false);
    };
    remember(&mut cur.known, &c.id.to_string(), stored);
    report.comments += 1;
    report.kept_ids += (stored.id == c.id) as u64;
    report.votes = report.votes.saturating_add((up + down) as u64);
    match status {
        CommentStatus::Pending => report.held += 1,
        CommentStatus::Spam => report.spam += 1,
        CommentStatus::Approved | CommentStatus::Deleted => {}
    }
    if lost {
        report.notes.push(format!(
            "comment {} replied to comment {}, which is not in the file: shown as a top-level comment",
            c.id, c.parent
        ));
    }
    if let Some(form) = c.meta("wpdiscuz_feedback_form_id").and_then(|v| v.trim().parse::<i64>().ok()) {
        if stored.parent_id.is_none() && form > 0 {
            cur.forms.entry(form).or_default().push(stored.id);
        }
    }
    w.wrote().await?;
    Ok(true)
}

/// The end of a post: replies whose parent never came, feedback matched to passages, counters.
/// Returns whether forms were matched by a guess (order) rather than the CSV.
pub(super) async fn post_end(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    source: &str,
    mut cur: Current,
    opts: &Options,
    report: &mut Report,
) -> Result<bool, ImportError> {
    let Some(article_id) = cur.article else { return Ok(false) };
    while !cur.waiting.is_empty() {
        let lost = cur.waiting.lost(|c| c.id.to_string());
        let mut queue: Vec<(WpComment, bool)> = lost.into_iter().map(|(_, c)| (c, true)).collect();
        while let Some((c, lost)) = queue.pop() {
            if store_wp_comment(site, w, source, &mut cur, &c, opts, report, lost).await? {
                queue.extend(cur.waiting.release(&c.id.to_string()).into_iter().map(|r| (r, false)));
            }
        }
    }
    let guessed = match_feedback(w, article_id, &cur, opts, report).await?;
    let conn = w.conn().await?;
    store::recount(conn, article_id).await?;
    w.commit().await?;
    Ok(guessed)
}

/// Which passage each `wpdiscuz_feedback_form_id` means. With wpDiscuz's table (CSV): exactly.
/// Without it: form ids no larger than the number of shortcodes are read as their place (1, 2,
/// …; what Byline's own export writes); otherwise, when there are as many forms with feedback
/// as shortcodes, by order. Anything else is not guessed: the comments stay comments.
async fn match_feedback(
    w: &mut Writer<'_>,
    article_id: i64,
    cur: &Current,
    opts: &Options,
    report: &mut Report,
) -> Result<bool, ImportError> {
    if cur.forms.is_empty() {
        return Ok(false);
    }
    let conn = w.conn().await?;
    let passages = store::editor_passages(conn, article_id).await?;
    let by_key: HashMap<&str, i64> =
        passages.iter().filter_map(|(id, k)| k.as_deref().map(|k| (k, *id))).collect();
    let in_order: Vec<i64> = cur.shortcodes.iter().filter_map(|k| by_key.get(k.as_str()).copied()).collect();
    let forms: Vec<i64> = cur.forms.keys().copied().collect();
    let as_places = forms.iter().all(|f| (*f as usize) <= in_order.len());
    let by_order = forms.len() == in_order.len();
    let mut guessed = false;
    for (nth, form) in forms.iter().enumerate() {
        let passage = match &opts.feedback_forms {
            Some(table) => table.get(form).and_then(|u| by_key.get(u.as_str()).copied()),
            None if as_places => {
                guessed = true;
                in_order.get(*form as usize - 1).copied()
            }
            None if by_order => {
                guessed = true;
                in_order.get(nth).copied()
            }
            None => None,
        };
        let comments = &cur.forms[form];
        match passage {
            Some(p) => {
                for c in comments {
                    if store::set_passage(conn, *c, p).await? {
                        report.feedback += 1;
                    }
                }
            }
            None => report.notes.push(format!(
                "{} comments were feedback on wpDiscuz form {form}, which could not be matched to a passage \
                 of their post (pass --feedback-forms): kept as comments",
                comments.len()
            )),
        }
    }
    Ok(guessed)
}
