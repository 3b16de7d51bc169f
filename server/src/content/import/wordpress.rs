//! A WordPress export (WXR) read post by post: each post an article (found again by its old id
//! on a second run), its comments handed to `wp_comments`.
use super::wp_comments::{comment_in, post_end};
use super::*;

/// Imports a WordPress export. `progress` hears the bytes read so far.
pub async fn wordpress<R: BufRead>(
    site: &Site<'_>,
    input: R,
    opts: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let mut w = Writer::new(site.pool);
    let result = wordpress_in(site, &mut w, input, opts, progress).await;
    w.finish(result).await
}

/// The post whose comments are being read.
pub(super) struct Current {
    /// `None`: the post was skipped (its comments are too).
    pub(super) article: Option<i64>,
    pub(super) skip_why: String,
    pub(super) shortcodes: Vec<String>,
    /// `wpdiscuz_feedback_form_id` → the top-level comments that named it.
    pub(super) forms: BTreeMap<i64, Vec<i64>>,
    pub(super) waiting: Waiting<WpComment>,
    /// This post's comments stored so far, by old id: their replies find them without a query.
    pub(super) known: HashMap<String, Placed>,
}

/// `https://www.Example.org/blog/` → `example.org/blog`: the same site over http or https,
/// with or without `www.`, is one source.
fn source_name(url: &str) -> String {
    let u = url.trim().to_lowercase();
    let u = u.split_once("://").map(|(_, r)| r.to_string()).unwrap_or(u);
    let u = u.strip_prefix("www.").map(str::to_string).unwrap_or(u);
    u.trim_end_matches('/').to_string()
}

async fn wordpress_in<R: BufRead>(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    input: R,
    opts: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let mut reader = WxrReader::new(input);
    let mut report = Report::default();
    let mut source = String::from("wordpress:");
    let mut current: Option<Current> = None;
    let mut guessed = false;
    while let Some(item) = reader.next_item()? {
        progress(reader.position());
        w.tick().await?;
        match item {
            WxrItem::Site(url) => source = format!("wordpress:{}", source_name(&url)),
            WxrItem::Post(post) => {
                w.commit().await?;
                current = Some(post_in(site, w, &source, &post, &mut report).await?);
            }
            WxrItem::Comment(c) => {
                let Some(cur) = current.as_mut() else { continue };
                if cur.article.is_none() {
                    report.skip(format!("comment on a post that was not imported ({})", cur.skip_why));
                    continue;
                }
                comment_in(site, w, &source, cur, *c, opts, &mut report).await?;
            }
            WxrItem::PostEnd => {
                if let Some(cur) = current.take() {
                    guessed |= post_end(site, w, &source, cur, opts, &mut report).await?;
                }
            }
        }
    }
    if guessed {
        report.notes.push(
            "wpDiscuz's feedback forms were matched to the shortcodes of their post by their order (the \
             export does not carry the wc_feedback_forms table; pass it with --feedback-forms to be exact)"
                .into(),
        );
    }
    report.replaced_bytes = reader.replaced();
    progress(reader.position());
    Ok(report)
}

async fn post_in(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    source: &str,
    post: &WpPost,
    report: &mut Report,
) -> Result<Current, ImportError> {
    let skipped = |why: String| Current {
        article: None,
        skip_why: why,
        shortcodes: vec![],
        forms: BTreeMap::new(),
        waiting: Waiting::new(),
        known: HashMap::new(),
    };
    if post.post_type != "post" {
        let why = format!(
            "{} (not a post)",
            if post.post_type.is_empty() { "unknown type" } else { &post.post_type }
        );
        report.skip(why.clone());
        return Ok(skipped(why));
    }
    // not public on WordPress (a draft, private, password-protected: WordPress marks those
    // "publish"): not published here either, nor in feeds, the sitemap or old links
    if post.status != "publish" || !post.password.trim().is_empty() {
        let why = match post.status.as_str() {
            "private" => "private post (only its editors could read it on WordPress)".to_string(),
            "publish" => {
                "password-protected post (only readers with its password could read it on WordPress)"
                    .to_string()
            }
            other => format!("post not published ({other})"),
        };
        report.skip(why.clone());
        if post.id > 0 {
            let conn = w.conn().await?;
            if let Some(id) = store::mapped(conn, source, "post", &post.id.to_string()).await? {
                // imported by an earlier run while it was public
                if let Some(slug) = store::withdraw(conn, id, site.now).await? {
                    report.notes.push(format!(
                        "post {} was imported before as /articles/{slug} and is no longer public on WordPress: \
                         it is withdrawn (its address answers 404; off the front page, feeds, sitemap and old \
                         links; its comments hidden)",
                        post.id
                    ));
                }
                w.commit().await?;
            }
        }
        return Ok(skipped(why));
    }
    if post.id <= 0 {
        report.skip("post without an id");
        return Ok(skipped("post without an id".into()));
    }
    if post.content_cut {
        report.skip("post larger than 16 MB");
        return Ok(skipped("post larger than 16 MB".into()));
    }
    let (body_html, mut feedback) = text::article_body(&post.content);
    if feedback.len() > PASSAGES_MAX {
        report.notes.push(format!(
            "post {} marks {} passages: the first {PASSAGES_MAX} were kept",
            post.id,
            feedback.len()
        ));
        feedback.truncate(PASSAGES_MAX);
    }
    let shortcodes: Vec<String> = feedback.iter().filter_map(|f| f.id.clone()).collect();
    let terms = |domain: &str| {
        post.terms
            .iter()
            .filter(|t| t.0 == domain)
            .map(|t| one_line(&t.2, 80))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
    };
    let published_at =
        text::wp_date(&post.date_gmt).or_else(|| text::wp_date(&post.date)).unwrap_or(site.now);
    let standfirst = one_line(&post.excerpt, 600);
    let conn = w.conn().await?;
    let mapped = store::mapped(conn, source, "post", &post.id.to_string()).await?;
    let slug = match mapped {
        // imported before: the article it became (never another one)
        Some(id) => match app::server::store::articles::slug_of(site.pool, id).await? {
            Some(s) => s,
            None => free_slug(conn, &text::slug(&post.slug, &post.title, post.id), post.id).await?,
        },
        None => {
            let wanted = text::slug(&post.slug, &post.title, post.id);
            let slug = free_slug(conn, &wanted, post.id).await?;
            if slug != wanted {
                report.notes.push(format!("post {} became /articles/{slug}: {wanted} was taken", post.id));
            }
            slug
        }
    };
    w.commit().await?;
    let title = one_line(&post.title, 300);
    let article = NewArticle {
        slug: slug.clone(),
        title: if title.is_empty() { format!("Post {}", post.id) } else { title },
        standfirst,
        section: terms("category").into_iter().next().unwrap_or_else(|| "News".into()),
        tags: terms("post_tag"),
        body_markdown: post.content.clone(),
        body_html,
        published_at,
        listed: true,
        feedback,
    };
    let was_withdrawn = match mapped {
        Some(id) => store::is_withdrawn(w.conn().await?, id).await?,
        None => false,
    };
    w.commit().await?;
    let outcome = articles::import(site.pool, &article, site.now).await?;
    if was_withdrawn {
        report.notes.push(format!(
            "post {} is public again: /articles/{slug} is published again; its comments stay hidden until an \
             editor opens them (desk → Articles)",
            post.id
        ));
    }
    match outcome {
        Imported::New => report.articles_new += 1,
        Imported::Updated => report.articles_updated += 1,
        Imported::Unchanged => report.articles_unchanged += 1,
        Imported::DeskEdited => {
            report.articles_unchanged += 1;
            report.notes.push(format!(
                "post {}: /articles/{slug} was edited in the desk since, which keeps its text; its comments are                  imported",
                post.id
            ));
        }
    }
    let conn = w.conn().await?;
    let id = store::article_by_slug(conn, &slug).await?.ok_or(db::Error::RowNotFound)?;
    store::map(conn, source, "post", &post.id.to_string(), id).await?;
    if let Some(path) = text::path_of(&post.link).filter(|p| p != "/") {
        store::map(conn, source, "link", &path, id).await?;
    }
    if mapped.is_none() {
        report.passages += store::editor_passages(conn, id).await?.len() as u64;
        // what the old site had: comments closed (wpDiscuz or WordPress), or hidden (a Byline export)
        let mode = match post.meta("_byline_comments_mode").and_then(CommentsMode::parse) {
            Some(mode @ (CommentsMode::Hidden | CommentsMode::Closed)) => Some(mode),
            _ if post.meta("wpdiscuz_closed").is_some_and(|v| v.trim() == "1")
                || post.comment_status == "closed" =>
            {
                Some(CommentsMode::Closed)
            }
            _ => None,
        };
        if let Some(mode) = mode {
            if store::set_mode(conn, id, mode).await? {
                report.closed += 1;
            }
        }
    }
    w.commit().await?;
    Ok(Current {
        article: Some(id),
        skip_why: String::new(),
        shortcodes,
        forms: BTreeMap::new(),
        waiting: Waiting::new(),
        known: HashMap::new(),
    })
}

/// `wanted`, or `wanted-ID`, `wanted-ID-2`… : the first slug no article has.
async fn free_slug(conn: &mut Conn, wanted: &str, id: i64) -> Result<String, db::Error> {
    if store::article_by_slug(conn, wanted).await?.is_none() {
        return Ok(wanted.to_string());
    }
    let mut n = 1;
    loop {
        let slug = if n == 1 { format!("{wanted}-{id}") } else { format!("{wanted}-{id}-{n}") };
        if store::article_by_slug(conn, &slug).await?.is_none() {
            return Ok(slug);
        }
        n += 1;
    }
}
