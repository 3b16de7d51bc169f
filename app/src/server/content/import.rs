//! Importing another system's articles and comments: WordPress + wpDiscuz (WXR) and Disqus.
//!
//! Faithful and repeatable. Every comment is stored under the key `import:<source>:<old id>`
//! and every post is mapped (`import_map`), so a second run finds what the first made and
//! changes nothing, and an interrupted run can be started again and completes. Nobody is
//! notified: these comments were news years ago. Comments are sanitised with our own rules;
//! addresses are kept only as our salted hash.
use super::disqus::{DisqusReader, DsqItem, DsqPost};
use super::text;
use super::wxr::{WpComment, WpPost, WxrItem, WxrReader};
use crate::server::reader_cookie::Secret;
use crate::server::store::articles::{self, Imported, NewArticle};
use crate::server::store::imports::{self as store, ImportedComment, Placed};
use crate::server::store::Pool;
use sqlx::SqliteConnection;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;

/// WordPress keeps a comment in a TEXT column (64 KB): anything longer is not from WordPress.
pub const COMMENT_MAX_BYTES: usize = 65_535;
/// Comments written per transaction.
const BATCH: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Wxr(#[from] super::wxr::WxrError),
    #[error(transparent)]
    Disqus(#[from] super::disqus::DsqError),
    #[error("database: {0}")]
    Store(#[from] sqlx::Error),
    #[error("{0}")]
    Store2(#[from] crate::server::store::StoreError),
    #[error("the feedback-forms CSV: {0}")]
    Csv(String),
}

#[derive(Default)]
pub struct Options {
    /// Trackbacks and pingbacks are skipped unless this is set.
    pub keep_pingbacks: bool,
    /// wpDiscuz's `wc_feedback_forms` table (columns `id`, `unique_id`, …): which shortcode a
    /// comment's `wpdiscuz_feedback_form_id` means. Without it, forms are matched to the
    /// shortcodes of their post in order.
    pub feedback_forms: Option<HashMap<i64, String>>,
}

/// Reads wpDiscuz's `wc_feedback_forms` table exported as CSV with a header row.
pub fn read_feedback_forms(input: impl std::io::Read) -> Result<HashMap<i64, String>, ImportError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = rdr.headers().map_err(|e| ImportError::Csv(e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (Some(id), Some(unique)) = (col("id"), col("unique_id")) else {
        return Err(ImportError::Csv("it needs the columns id and unique_id".into()));
    };
    let mut forms = HashMap::new();
    for row in rdr.records() {
        let row = row.map_err(|e| ImportError::Csv(e.to_string()))?;
        if let (Some(i), Some(u)) = (row.get(id).and_then(|v| v.trim().parse().ok()), row.get(unique)) {
            forms.insert(i, u.trim().to_string());
        }
    }
    Ok(forms)
}

/// What an import did, for the report printed at its end.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub articles_new: u64,
    pub articles_updated: u64,
    pub articles_unchanged: u64,
    pub comments: u64,
    /// Found from an earlier run: left as they are.
    pub comments_present: u64,
    pub held: u64,
    pub spam: u64,
    /// Up and down votes carried over.
    pub votes: u64,
    pub passages: u64,
    pub feedback: u64,
    pub closed: u64,
    /// Comments that kept their old id (`#comment-N` links work as they did).
    pub kept_ids: u64,
    /// Why things were left out, and how many.
    pub skipped: BTreeMap<String, u64>,
    pub notes: Vec<String>,
    /// Bytes that were not UTF-8, replaced.
    pub replaced_bytes: u64,
    /// Comments deleted on the old site whose place was kept for their replies (no text).
    pub deleted_kept: u64,
}

impl Report {
    fn skip(&mut self, why: impl Into<String>) {
        *self.skipped.entry(why.into()).or_default() += 1;
    }

    pub fn render(&self) -> String {
        let mut s = format!(
            "Articles: {} new, {} updated, {} unchanged\n\
             Comments: {} imported ({} held for moderation, {} spam), {} already here\n\
             Votes: {} · Passages: {} · Feedback: {} · Comments closed on {} articles\n\
             Old comment ids kept: {}\n",
            self.articles_new,
            self.articles_updated,
            self.articles_unchanged,
            self.comments,
            self.held,
            self.spam,
            self.comments_present,
            self.votes,
            self.passages,
            self.feedback,
            self.closed,
            self.kept_ids,
        );
        if self.skipped.is_empty() {
            s.push_str("Skipped: nothing\n");
        } else {
            s.push_str("Skipped:\n");
            for (why, n) in &self.skipped {
                s.push_str(&format!("  {n} × {why}\n"));
            }
        }
        if self.replaced_bytes > 0 {
            s.push_str(&format!(
                "Note: {} bytes were not UTF-8 and were replaced by \u{FFFD}\n",
                self.replaced_bytes
            ));
        }
        if self.deleted_kept > 0 {
            s.push_str(&format!(
                "Note: {} comments were deleted on the old site: their place is kept for their replies, not their text\n",
                self.deleted_kept
            ));
        }
        for n in self.notes.iter().take(50) {
            s.push_str(&format!("Note: {n}\n"));
        }
        if self.notes.len() > 50 {
            s.push_str(&format!("… and {} more notes\n", self.notes.len() - 50));
        }
        s
    }
}

/// What the importer needs from the site: its key (addresses are stored as its hash), the
/// time (the article's `updated_at` when an import changes it), and how long addresses are kept.
pub struct Site<'a> {
    pool: &'a Pool,
    secret: &'a Secret,
    now: i64,
    /// Comments older than this keep no address hash (the desk's retention setting: the
    /// site would erase it within the hour anyway).
    addresses_since: i64,
}

impl<'a> Site<'a> {
    pub async fn new(pool: &'a Pool, secret: &'a Secret, now: i64) -> Result<Site<'a>, ImportError> {
        let days = i64::from(crate::server::store::desk::settings::load(pool).await?.address_days);
        let addresses_since = if days > 0 { now - days * 86_400 } else { i64::MIN };
        Ok(Site { pool, secret, now, addresses_since })
    }

    fn ip_hash(&self, ip: &str, created_at: i64) -> Option<String> {
        if created_at < self.addresses_since {
            return None;
        }
        let ip: std::net::IpAddr = ip.trim().parse().ok()?;
        Some(self.secret.sign(&format!("ip:{ip}"))[..32].to_string())
    }
}

/// A transaction that is committed every `BATCH` writes.
struct Writer<'a> {
    pool: &'a Pool,
    tx: Option<sqlx::Transaction<'static, sqlx::Sqlite>>,
    writes: usize,
}

impl<'a> Writer<'a> {
    fn new(pool: &'a Pool) -> Self {
        Writer { pool, tx: None, writes: 0 }
    }

    async fn conn(&mut self) -> Result<&mut SqliteConnection, sqlx::Error> {
        if self.tx.is_none() {
            self.tx = Some(crate::server::store::begin(self.pool).await?);
        }
        Ok(&mut **self.tx.as_mut().expect("opened above"))
    }

    async fn wrote(&mut self) -> Result<(), sqlx::Error> {
        self.writes += 1;
        if self.writes >= BATCH {
            self.commit().await?;
        }
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), sqlx::Error> {
        self.writes = 0;
        if let Some(tx) = self.tx.take() {
            tx.commit().await?;
        }
        Ok(())
    }

    /// Ends the open transaction on an error path (a dropped one would keep the write lock).
    async fn rollback(&mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.rollback().await;
        }
    }
}

/// A comment waiting for its parent (which comes later in the file, or never).
struct Waiting<C> {
    parent: String,
    comment: C,
}

/// Imports a WordPress export. `progress` hears the bytes read so far.
pub async fn wordpress<R: BufRead>(
    site: &Site<'_>,
    input: R,
    opts: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let mut w = Writer::new(site.pool);
    let result = wordpress_in(site, &mut w, input, opts, progress).await;
    match result {
        Ok(r) => {
            w.commit().await?;
            Ok(r)
        }
        Err(e) => {
            w.rollback().await;
            Err(e)
        }
    }
}

/// The post whose comments are being read.
struct Current {
    /// `None`: the post was skipped (its comments are too).
    article: Option<i64>,
    skip_why: String,
    shortcodes: Vec<String>,
    /// `wpdiscuz_feedback_form_id` → the top-level comments that named it.
    forms: BTreeMap<i64, Vec<i64>>,
    waiting: Vec<Waiting<WpComment>>,
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
    let mut order_note = false;
    while let Some(item) = reader.next_item()? {
        progress(reader.position());
        match item {
            WxrItem::Site(url) => source = format!("wordpress:{}", url.trim_end_matches('/')),
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
                    order_note |= post_end(site, w, &source, cur, opts, &mut report).await?;
                }
            }
        }
    }
    if order_note {
        report.notes.push(
            "wpDiscuz's feedback forms were matched to the shortcodes of their post in order (the \
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
        waiting: vec![],
    };
    if post.post_type != "post" {
        let why = format!(
            "{} (not a post)",
            if post.post_type.is_empty() { "unknown type" } else { &post.post_type }
        );
        report.skip(why.clone());
        return Ok(skipped(why));
    }
    if post.status != "publish" {
        let why = format!("post not published ({})", post.status);
        report.skip(why.clone());
        return Ok(skipped(why));
    }
    if post.content_cut {
        report.skip("post larger than 16 MB");
        return Ok(skipped("post larger than 16 MB".into()));
    }
    let (body_html, feedback) = text::article_body(&post.content);
    let shortcodes: Vec<String> = feedback.iter().filter_map(|f| f.id.clone()).collect();
    let terms =
        |domain: &str| post.terms.iter().filter(|t| t.0 == domain).map(|t| t.2.clone()).collect::<Vec<_>>();
    let published_at =
        text::wp_date(&post.date_gmt).or_else(|| text::wp_date(&post.date)).unwrap_or(site.now);
    let standfirst = crate::domain::text::html_to_text(&post.excerpt).trim().to_string();
    let mut slug = text::slug(&post.slug, &post.title, post.id);
    let conn = w.conn().await?;
    let mapped = store::mapped(conn, source, "post", &post.id.to_string()).await?;
    if let Some(id) = mapped {
        // imported before: keep the slug it got then
        if let Some(s) = crate::server::store::articles::slug_of(site.pool, id).await? {
            slug = s;
        }
    } else if store::article_by_slug(conn, &slug).await?.is_some() {
        // another article has this slug: this one gets its own
        slug = format!("{slug}-{}", post.id);
        report.notes.push(format!("post {} took the slug {slug}: its own was in use", post.id));
    }
    w.commit().await?;
    let article = NewArticle {
        slug: slug.clone(),
        title: {
            let t = crate::domain::text::html_to_text(&post.title).trim().to_string();
            if t.is_empty() {
                format!("Post {}", post.id)
            } else {
                t
            }
        },
        standfirst,
        section: terms("category").into_iter().next().unwrap_or_else(|| "News".into()),
        tags: terms("post_tag"),
        body_markdown: post.content.clone(),
        body_html,
        published_at,
        listed: true,
        feedback,
    };
    let outcome = articles::import(site.pool, &article, site.now).await?;
    match outcome {
        Imported::New => report.articles_new += 1,
        Imported::Updated => report.articles_updated += 1,
        Imported::Unchanged => report.articles_unchanged += 1,
    }
    let conn = w.conn().await?;
    let id = store::article_by_slug(conn, &slug).await?.ok_or(sqlx::Error::RowNotFound)?;
    store::map(conn, source, "post", &post.id.to_string(), id).await?;
    if let Some(path) = text::path_of(&post.link).filter(|p| p != "/") {
        store::map(conn, source, "link", &path, id).await?;
    }
    if outcome == Imported::New {
        report.passages += store::editor_passages(conn, id).await?.len() as u64;
        let closed =
            post.meta("wpdiscuz_closed").is_some_and(|v| v.trim() == "1") || post.comment_status == "closed";
        if closed && store::close_comments(conn, id).await? {
            report.closed += 1;
        }
    }
    w.commit().await?;
    Ok(Current {
        article: Some(id),
        skip_why: String::new(),
        shortcodes,
        forms: BTreeMap::new(),
        waiting: vec![],
    })
}

fn status_of(approved: &str) -> Option<&'static str> {
    match approved {
        "1" | "approve" => Some("approved"),
        "0" | "hold" => Some("pending"),
        "spam" => Some("spam"),
        _ => None,
    }
}

async fn comment_in(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    source: &str,
    cur: &mut Current,
    c: WpComment,
    opts: &Options,
    report: &mut Report,
) -> Result<(), ImportError> {
    let conn = w.conn().await?;
    if store::comment_by_key(conn, &format!("import:{source}:{}", c.id)).await?.is_some() {
        report.comments_present += 1;
        return Ok(());
    }
    if c.parent != 0 {
        let parent_key = format!("import:{source}:{}", c.parent);
        if store::comment_by_key(conn, &parent_key).await?.is_none() {
            cur.waiting.push(Waiting { parent: c.parent.to_string(), comment: c });
            return Ok(());
        }
    }
    store_wp_comment(site, w, source, cur, &c, opts, report, false).await
}

#[allow(clippy::too_many_arguments)]
async fn store_wp_comment(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    source: &str,
    cur: &mut Current,
    c: &WpComment,
    opts: &Options,
    report: &mut Report,
    orphan: bool,
) -> Result<(), ImportError> {
    let Some(article_id) = cur.article else { return Ok(()) };
    let pingback = matches!(c.comment_type.as_str(), "trackback" | "pingback");
    if pingback && !opts.keep_pingbacks {
        report.skip(format!("{} (pass --keep-pingbacks to keep them)", c.comment_type));
        return Ok(());
    }
    if !pingback && !matches!(c.comment_type.as_str(), "" | "comment") {
        report.skip(format!("comment of type {}", c.comment_type));
        return Ok(());
    }
    let Some(status) = status_of(&c.approved) else {
        report.skip(format!("comment in the trash or unknown state ({})", c.approved));
        return Ok(());
    };
    if c.content_cut || c.content.len() > COMMENT_MAX_BYTES {
        report.skip("comment longer than WordPress allows (64 KB)");
        return Ok(());
    }
    let Some(created_at) = text::wp_date(&c.date_gmt).or_else(|| text::wp_date(&c.date)) else {
        report.skip("comment without a date");
        return Ok(());
    };
    let key = format!("import:{source}:{}", c.id);
    let conn = w.conn().await?;
    let parent = if c.parent != 0 && !orphan {
        store::comment_by_key(conn, &format!("import:{source}:{}", c.parent)).await?
    } else {
        None
    };
    let body_html = text::comment_body(&c.content);
    let body_text = crate::domain::text::html_to_text(&body_html);
    let (up, down) = match c.meta("wpdiscuz_votes_seperate").and_then(text::php_votes) {
        Some(v) => v,
        None => {
            let total: i64 = c.meta("wpdiscuz_votes").and_then(|v| v.trim().parse().ok()).unwrap_or(0);
            (total.max(0), (-total).max(0))
        }
    };
    let name = crate::domain::text::html_to_text(&c.author);
    let name = name.trim();
    let keep_id = c.id > 0 && store::id_is_free(conn, c.id).await?;
    let email = c.email.trim();
    let url = c.url.trim();
    let ip_hash = site.ip_hash(&c.ip, created_at);
    let placed = store::insert_comment(
        conn,
        &ImportedComment {
            id: keep_id.then_some(c.id),
            article_id,
            parent: parent.as_ref(),
            status,
            author_name: if name.is_empty() { "Anonymous" } else { name },
            author_email: (!email.is_empty()).then_some(email),
            author_url: (url.starts_with("http://") || url.starts_with("https://")).then_some(url),
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
    .await?;
    report.comments += 1;
    report.kept_ids += keep_id as u64;
    report.votes += (up + down) as u64;
    match status {
        "pending" => report.held += 1,
        "spam" => report.spam += 1,
        _ => {}
    }
    if let Some(form) = c.meta("wpdiscuz_feedback_form_id").and_then(|v| v.trim().parse::<i64>().ok()) {
        if placed.parent_id.is_none() && form > 0 {
            cur.forms.entry(form).or_default().push(placed.id);
        }
    }
    w.wrote().await?;
    Ok(())
}

/// The end of a post: replies whose parent came later, feedback matched to passages, counters.
/// Returns whether forms were matched by order.
async fn post_end(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    source: &str,
    mut cur: Current,
    opts: &Options,
    report: &mut Report,
) -> Result<bool, ImportError> {
    let Some(article_id) = cur.article else { return Ok(false) };
    // replies that came before their parent: placed as their parents arrive; a reply whose
    // parent is nowhere in the file is shown at the top level (as WordPress shows it), and then
    // its own replies find it
    let mut waiting = std::mem::take(&mut cur.waiting);
    while !waiting.is_empty() {
        let before = waiting.len();
        let mut still = Vec::new();
        for wc in waiting {
            let conn = w.conn().await?;
            if store::comment_by_key(conn, &format!("import:{source}:{}", wc.parent)).await?.is_some() {
                store_wp_comment(site, w, source, &mut cur, &wc.comment, opts, report, false).await?;
            } else {
                still.push(wc);
            }
        }
        waiting = still;
        if waiting.len() < before {
            continue;
        }
        let ids: BTreeSet<String> = waiting.iter().map(|wc| wc.comment.id.to_string()).collect();
        let (lost, rest): (Vec<_>, Vec<_>) = waiting.into_iter().partition(|wc| !ids.contains(&wc.parent));
        // a loop of replies (a → b → a) has no lost parent: its first one starts it
        let (lost, rest) = if lost.is_empty() {
            let mut rest = rest;
            (vec![rest.remove(0)], rest)
        } else {
            (lost, rest)
        };
        for wc in lost {
            report.notes.push(format!(
                "comment {} replied to comment {}, which is not in the file: shown as a top-level comment",
                wc.comment.id, wc.parent
            ));
            store_wp_comment(site, w, source, &mut cur, &wc.comment, opts, report, true).await?;
        }
        waiting = rest;
    }
    let mut by_order = false;
    let conn = w.conn().await?;
    if !cur.forms.is_empty() {
        let passages = store::editor_passages(conn, article_id).await?;
        let by_key: HashMap<&str, i64> =
            passages.iter().filter_map(|(id, k)| k.as_deref().map(|k| (k, *id))).collect();
        let in_order: Vec<i64> =
            cur.shortcodes.iter().filter_map(|k| by_key.get(k.as_str()).copied()).collect();
        let form_ids: BTreeSet<i64> = cur.forms.keys().copied().collect();
        for (nth, form) in form_ids.iter().enumerate() {
            let passage = match &opts.feedback_forms {
                Some(table) => table.get(form).and_then(|u| by_key.get(u.as_str()).copied()),
                None => {
                    by_order = true;
                    in_order.get(nth).copied()
                }
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
                    "{} comments were feedback on wpDiscuz form {form}, which matches no passage of the post: kept as comments",
                    comments.len()
                )),
            }
        }
    }
    store::recount(conn, article_id).await?;
    w.commit().await?;
    Ok(by_order)
}

/// Imports a Disqus export: threads are matched to articles by their URL (an imported post's
/// old address, or the slug at the end of the path); comments of unmatched threads are reported.
pub async fn disqus<R: BufRead>(
    site: &Site<'_>,
    input: R,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let mut w = Writer::new(site.pool);
    let result = disqus_in(site, &mut w, input, progress).await;
    match result {
        Ok(r) => {
            w.commit().await?;
            Ok(r)
        }
        Err(e) => {
            w.rollback().await;
            Err(e)
        }
    }
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
    // thread id → article (None: not matched, with its URL)
    let mut threads: HashMap<String, Result<i64, String>> = HashMap::new();
    let mut touched: BTreeSet<i64> = BTreeSet::new();
    let mut unmatched: BTreeMap<String, u64> = BTreeMap::new();
    let mut waiting: Vec<Waiting<DsqPost>> = Vec::new();
    while let Some(item) = reader.next_item()? {
        progress(reader.position());
        match item {
            DsqItem::Forum(f) => {
                if source == "disqus:" {
                    source = format!("disqus:{f}");
                }
            }
            DsqItem::Thread(t) => {
                let conn = w.conn().await?;
                let article = match text::path_of(&t.link) {
                    Some(path) => match store::by_old_link(conn, &path).await? {
                        Some(id) => Some(id),
                        None => {
                            let slug =
                                path.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
                            if slug.is_empty() {
                                None
                            } else {
                                store::article_by_slug(conn, &slug).await?
                            }
                        }
                    },
                    None => None,
                };
                if let Some(id) = article {
                    store::map(conn, &source, "thread", &t.dsq_id, id).await?;
                    if t.closed && store::close_comments(conn, id).await? {
                        report.closed += 1;
                    }
                }
                threads.insert(t.dsq_id.clone(), article.ok_or(t.link.clone()));
            }
            DsqItem::Post(p) => {
                let article = match threads.get(&p.thread) {
                    Some(Ok(id)) => *id,
                    Some(Err(link)) => {
                        *unmatched.entry(link.clone()).or_default() += 1;
                        continue;
                    }
                    None => {
                        report.skip("comment on a thread the file does not have");
                        continue;
                    }
                };
                let conn = w.conn().await?;
                if store::comment_by_key(conn, &format!("import:{source}:{}", p.dsq_id)).await?.is_some() {
                    report.comments_present += 1;
                    continue;
                }
                if let Some(parent) = &p.parent {
                    if store::comment_by_key(conn, &format!("import:{source}:{parent}")).await?.is_none() {
                        waiting.push(Waiting { parent: parent.clone(), comment: *p });
                        continue;
                    }
                }
                store_disqus_post(site, w, &source, article, &p, &mut report, false).await?;
                touched.insert(article);
            }
        }
    }
    while !waiting.is_empty() {
        let before = waiting.len();
        let mut still = Vec::new();
        for wp in waiting {
            let conn = w.conn().await?;
            if store::comment_by_key(conn, &format!("import:{source}:{}", wp.parent)).await?.is_some() {
                if let Some(Ok(article)) = threads.get(&wp.comment.thread) {
                    store_disqus_post(site, w, &source, *article, &wp.comment, &mut report, false).await?;
                    touched.insert(*article);
                }
            } else {
                still.push(wp);
            }
        }
        waiting = still;
        if waiting.len() < before {
            continue;
        }
        let ids: BTreeSet<String> = waiting.iter().map(|wp| wp.comment.dsq_id.clone()).collect();
        let (lost, rest): (Vec<_>, Vec<_>) = waiting.into_iter().partition(|wp| !ids.contains(&wp.parent));
        let (lost, rest) = if lost.is_empty() {
            let mut rest = rest;
            (vec![rest.remove(0)], rest)
        } else {
            (lost, rest)
        };
        for wp in lost {
            if let Some(Ok(article)) = threads.get(&wp.comment.thread) {
                report.notes.push(format!(
                    "comment {} replied to {}, which is not in the file: shown as a top-level comment",
                    wp.comment.dsq_id, wp.parent
                ));
                store_disqus_post(site, w, &source, *article, &wp.comment, &mut report, true).await?;
                touched.insert(*article);
            }
        }
        waiting = rest;
    }
    for (link, n) in unmatched {
        report.skip(format!("comment on a page no article matches ({link})"));
        if n > 1 {
            *report
                .skipped
                .get_mut(&format!("comment on a page no article matches ({link})"))
                .expect("just added") += n - 1;
        }
    }
    for id in touched {
        let conn = w.conn().await?;
        store::recount(conn, id).await?;
    }
    report.replaced_bytes = reader.replaced();
    Ok(report)
}

async fn store_disqus_post(
    site: &Site<'_>,
    w: &mut Writer<'_>,
    source: &str,
    article_id: i64,
    p: &DsqPost,
    report: &mut Report,
    orphan: bool,
) -> Result<(), ImportError> {
    if p.message_cut || p.message.len() > COMMENT_MAX_BYTES {
        report.skip("comment longer than 64 KB");
        return Ok(());
    }
    let Some(created_at) = text::rfc3339(&p.created_at) else {
        report.skip("comment without a date");
        return Ok(());
    };
    let conn = w.conn().await?;
    let parent: Option<Placed> = match (&p.parent, orphan) {
        (Some(parent), false) => store::comment_by_key(conn, &format!("import:{source}:{parent}")).await?,
        _ => None,
    };
    // a deleted comment keeps its place (its replies hang below it) but none of its text
    let (status, body, body_html) = if p.deleted {
        ("deleted", String::new(), String::new())
    } else {
        let html = text::comment_body(&p.message);
        (if p.spam { "spam" } else { "approved" }, p.message.clone(), html)
    };
    let body_text = crate::domain::text::html_to_text(&body_html);
    let name = if p.author_name.trim().is_empty() { p.author_username.trim() } else { p.author_name.trim() };
    let email = p.author_email.trim();
    let ip_hash = site.ip_hash(&p.ip, created_at);
    store::insert_comment(
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
                name
            },
            author_email: (!email.is_empty() && !p.deleted).then_some(email),
            author_url: None,
            body: &body,
            body_html: &body_html,
            body_text: &body_text,
            created_at,
            key: &format!("import:{source}:{}", p.dsq_id),
            ip_hash: ip_hash.as_deref(),
            up: 0,
            down: 0,
        },
    )
    .await?;
    report.comments += 1;
    match status {
        "spam" => report.spam += 1,
        "deleted" => report.deleted_kept += 1,
        _ => {}
    }
    w.wrote().await?;
    Ok(())
}
