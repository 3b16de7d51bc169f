//! A Disqus export: threads matched to articles by the address or WordPress id they name,
//! then their posts stored like WordPress comments.
use super::*;

/// Imports a Disqus export. Threads are matched to articles by what they name: an imported
/// post's old address (with or without its final slash) or its WordPress id (`<id>123 …`), or a
/// Byline address (`/articles/slug`). Comments of unmatched threads are reported.
pub async fn disqus<R: BufRead>(
    site: &Site<'_>,
    input: R,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let mut w = Writer::new(site.pool);
    let result = disqus_in(site, &mut w, input, progress).await;
    w.finish(result).await
}

async fn thread_article(
    conn: &mut Conn,
    t: &crate::content::disqus::DsqThread,
) -> Result<Option<i64>, db::Error> {
    if let Some(path) = text::path_of(&t.link) {
        if let Some(id) = store::by_old_link(conn, &path).await? {
            return Ok(Some(id));
        }
        if let Some(slug) = path.trim_end_matches('/').strip_prefix("/articles/").filter(|s| !s.contains('/'))
        {
            if let Some(id) = store::article_by_slug(conn, slug).await? {
                return Ok(Some(id));
            }
        }
    }
    // WordPress's Disqus plugin names a thread `123 https://site/?p=123`
    if let Some(post) = t.ident.split_whitespace().next().filter(|p| p.chars().all(|c| c.is_ascii_digit())) {
        return store::by_old_post(conn, post).await;
    }
    Ok(None)
}

async fn disqus_in<R: BufRead>(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    input: R,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let mut reader = DisqusReader::new(input);
    let mut report = Report::default();
    let mut source = String::from("disqus:");
    // thread id → article (Err: not matched, with its URL)
    let mut threads: HashMap<String, Result<i64, String>> = HashMap::new();
    let mut touched: BTreeSet<i64> = BTreeSet::new();
    let mut unmatched: BTreeMap<String, u64> = BTreeMap::new();
    let mut waiting: Waiting<DsqPost> = Waiting::new();
    let mut known: HashMap<String, Placed> = HashMap::new();
    while let Some(item) = reader.next_item()? {
        progress(reader.position());
        w.tick().await?;
        match item {
            DsqItem::Forum(f) => {
                if source == "disqus:" {
                    source = format!("disqus:{}", one_line(&f, 100));
                }
            }
            DsqItem::Thread(t) => {
                let conn = w.conn().await?;
                let article = thread_article(conn, &t).await?;
                if let Some(id) = article {
                    let first_time = store::mapped(conn, &source, "thread", &t.dsq_id).await?.is_none();
                    store::map(conn, &source, "thread", &t.dsq_id, id).await?;
                    // closed on Disqus: closed here, once (a newsroom may open it again)
                    if first_time && t.closed && store::close_comments(conn, id).await? {
                        report.closed += 1;
                    }
                }
                threads.insert(t.dsq_id.clone(), article.ok_or(t.link.clone()));
            }
            DsqItem::Post(mut p) => {
                if p.dsq_id.is_empty() {
                    report.skip("comment without an id");
                    continue;
                }
                match threads.get(&p.thread) {
                    Some(Ok(_)) => {}
                    Some(Err(link)) => {
                        *unmatched.entry(link.clone()).or_default() += 1;
                        continue;
                    }
                    None => {
                        report.skip("comment on a thread the file does not have");
                        continue;
                    }
                }
                let conn = w.conn().await?;
                if let Some(parent) = &p.parent {
                    if placed(conn, &mut known, &source, parent).await?.is_none() {
                        if p.message.len() > COMMENT_MAX_BYTES {
                            p.message.clear();
                            p.message_cut = true;
                        }
                        waiting.wait(parent.clone(), *p);
                        continue;
                    }
                }
                let mut queue = vec![(*p, false)];
                while let Some((p, lost)) = queue.pop() {
                    if store_disqus_post(
                        site,
                        w,
                        &source,
                        &threads,
                        &p,
                        &mut report,
                        lost,
                        &mut touched,
                        &mut known,
                    )
                    .await?
                    {
                        queue.extend(waiting.release(&p.dsq_id).into_iter().map(|r| (r, false)));
                    }
                }
            }
        }
    }
    while !waiting.is_empty() {
        let lost = waiting.lost(|p| p.dsq_id.clone());
        let mut queue: Vec<(DsqPost, bool)> = lost.into_iter().map(|(_, p)| (p, true)).collect();
        while let Some((p, lost)) = queue.pop() {
            if store_disqus_post(site, w, &source, &threads, &p, &mut report, lost, &mut touched, &mut known)
                .await?
            {
                queue.extend(waiting.release(&p.dsq_id).into_iter().map(|r| (r, false)));
            }
        }
    }
    for (link, n) in unmatched {
        *report.skipped.entry(format!("comment on a page no article matches ({link})")).or_default() += n;
    }
    for id in touched {
        let conn = w.conn().await?;
        store::recount(conn, id).await?;
        w.tick().await?;
    }
    report.replaced_bytes = reader.replaced();
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
async fn store_disqus_post(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    source: &str,
    threads: &HashMap<String, Result<i64, String>>,
    p: &DsqPost,
    report: &mut Report,
    lost: bool,
    touched: &mut BTreeSet<i64>,
    known: &mut HashMap<String, Placed>,
) -> Result<bool, ImportError> {
    let Some(Ok(article_id)) = threads.get(&p.thread).cloned() else { return Ok(false) };
    if p.message_cut || p.message.len() > COMMENT_MAX_BYTES {
        report.skip("comment longer than 64 KB");
        return Ok(false);
    }
    let Some(created_at) = text::rfc3339(&p.created_at) else {
        report.skip("comment without a date");
        return Ok(false);
    };
    let key = format!("import:{source}:{}", p.dsq_id);
    let conn = w.conn().await?;
    let parent: Option<Placed> = match (&p.parent, lost) {
        (Some(parent), false) => match placed(conn, known, source, parent).await? {
            Some(pl) if pl.article_id != article_id => {
                report.notes.push(format!(
                    "comment {} replied to {parent} on another page: shown as a top-level comment",
                    p.dsq_id
                ));
                None
            }
            other => other,
        },
        _ => None,
    };
    // a deleted comment keeps its place (its replies hang below it) but none of its text
    let (status, body, body_html) = if p.deleted {
        (CommentStatus::Deleted, String::new(), String::new())
    } else {
        let html = text::comment_body(&p.message);
        (if p.spam { CommentStatus::Spam } else { CommentStatus::Approved }, p.message.clone(), html)
    };
    let body_text = app::domain::text::html_to_text(&body_html);
    let name =
        one_line(if p.author_name.trim().is_empty() { &p.author_username } else { &p.author_name }, 80);
    let email = email_of(&p.author_email).filter(|_| !p.deleted);
    let ip_hash = site.ip_hash(&p.ip, created_at);
    let Some(stored) = store::insert_comment(
        conn,
        &ImportedComment {
            id: None,
            article_id,
            parent: parent.as_ref(),
            status,
            author_name: if p.deleted {
                ""
            } else if name.is_empty() {
                "Anonymous"
            } else {
                &name
            },
            author_email: email.as_deref(),
            author_url: None,
            body: &body,
            body_html: &body_html,
            body_text: &body_text,
            created_at,
            key: &key,
            ip_hash: ip_hash.as_deref(),
            up: 0,
            down: 0,
        },
    )
    .await?
    else {
        not_written(conn, &key, report).await?;
        return Ok(false);
    };
    remember(known, &p.dsq_id, stored);
    report.comments += 1;
    touched.insert(article_id);
    match status {
        CommentStatus::Spam => report.spam += 1,
        CommentStatus::Deleted => report.deleted_kept += 1,
        CommentStatus::Approved | CommentStatus::Pending => {}
    }
    if lost {
        report.notes.push(format!(
            "comment {} replied to {}, which is not in the file: shown as a top-level comment",
            p.dsq_id,
            p.parent.as_deref().unwrap_or("")
        ));
    }
    w.wrote().await?;
    Ok(true)
}
