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
use app::server::reader_cookie::Secret;
use app::server::store::articles::{self, Imported, NewArticle};
use app::server::store::imports::{self as store, ImportedComment, Placed};
use app::server::store::Pool;
use db::Conn;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;
use std::time::{Duration, Instant};

/// WordPress keeps a comment in a TEXT column (64 KB): anything longer is not from WordPress.
pub const COMMENT_MAX_BYTES: usize = 65_535;
/// Comments written per transaction…
const BATCH: usize = 2_000;
/// …and the longest a transaction stays open: a running site's own writers wait meanwhile.
const HOLD: Duration = Duration::from_millis(200);
/// Shortcodes read per post (a post is an article, not a list of passages).
pub const PASSAGES_MAX: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Wxr(#[from] super::wxr::WxrError),
    #[error(transparent)]
    Disqus(#[from] super::disqus::DsqError),
    #[error("database: {0}")]
    Store(#[from] db::Error),
    #[error("{0}")]
    Store2(#[from] app::server::store::StoreError),
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
    /// Imported once, then erased here at their author's request: not brought back.
    pub erased: u64,
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
        if self.erased > 0 {
            s.push_str(&format!(
                "Note: {} comments were erased here at their author's request after an earlier import: not brought back\n",
                self.erased
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
        let days = i64::from(app::server::store::desk::settings::load(pool).await?.address_days);
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

/// A transaction committed every `BATCH` writes or `HOLD`, whichever comes first.
struct Writer<'a> {
    pool: &'a Pool,
    tx: Option<db::Tx>,
    opened: Option<Instant>,
    writes: usize,
}

impl<'a> Writer<'a> {
    fn new(pool: &'a Pool) -> Self {
        Writer { pool, tx: None, opened: None, writes: 0 }
    }

    async fn conn(&mut self) -> Result<&mut Conn, db::Error> {
        if self.tx.is_none() {
            self.tx = Some(app::server::store::begin(self.pool).await?);
            self.opened = Some(Instant::now());
        }
        Ok(&mut **self.tx.as_mut().expect("opened above"))
    }

    async fn wrote(&mut self) -> Result<(), db::Error> {
        self.writes += 1;
        if self.writes >= BATCH {
            self.commit().await?;
        }
        Ok(())
    }

    /// Called between items: ends a transaction that has been open for long enough.
    async fn tick(&mut self) -> Result<(), db::Error> {
        if self.opened.is_some_and(|at| at.elapsed() >= HOLD) {
            self.commit().await?;
        }
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), db::Error> {
        self.writes = 0;
        self.opened = None;
        if let Some(tx) = self.tx.take() {
            tx.commit().await?;
        }
        Ok(())
    }

    /// Ends the import's last transaction: committed after success, rolled back after an error
    /// (a dropped one would keep the write lock).
    async fn finish(mut self, result: Result<Report, ImportError>) -> Result<Report, ImportError> {
        match result {
            Ok(r) => {
                self.commit().await?;
                Ok(r)
            }
            Err(e) => {
                self.rollback().await;
                Err(e)
            }
        }
    }

    async fn rollback(&mut self) {
        self.opened = None;
        if let Some(tx) = self.tx.take() {
            let _ = tx.rollback().await;
        }
    }
}

/// Replies waiting for their parent (which comes later in the file, or never), by the parent's
/// old id. A parent that arrives releases its replies at once.
struct Waiting<C> {
    by_parent: HashMap<String, Vec<C>>,
}

impl<C> Waiting<C> {
    fn new() -> Self {
        Waiting { by_parent: HashMap::new() }
    }

    fn wait(&mut self, parent: String, c: C) {
        self.by_parent.entry(parent).or_default().push(c);
    }

    fn release(&mut self, parent: &str) -> Vec<C> {
        self.by_parent.remove(parent).unwrap_or_default()
    }

    /// The replies whose parent is nowhere (not itself waiting): they start their own threads.
    /// In a loop of replies (a → b → a) nothing qualifies, and one of them starts it.
    fn lost(&mut self, ids: impl Fn(&C) -> String) -> Vec<(String, C)> {
        let waiting: BTreeSet<String> = self.by_parent.values().flatten().map(&ids).collect();
        let mut parents: Vec<String> =
            self.by_parent.keys().filter(|p| !waiting.contains(*p)).cloned().collect();
        if parents.is_empty() {
            parents.extend(self.by_parent.keys().min().cloned());
        }
        parents.sort();
        let mut out = Vec::new();
        for p in parents {
            let mut list = self.release(&p);
            if waiting.contains(&p) {
                // a loop: only one of them starts it
                let first = list.remove(0);
                if !list.is_empty() {
                    self.by_parent.insert(p.clone(), list);
                }
                out.push((p, first));
            } else {
                out.extend(list.into_iter().map(|c| (p.clone(), c)));
            }
        }
        out
    }

    fn is_empty(&self) -> bool {
        self.by_parent.is_empty()
    }
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
    w.finish(result).await
}

/// The post whose comments are being read.
struct Current {
    /// `None`: the post was skipped (its comments are too).
    article: Option<i64>,
    skip_why: String,
    shortcodes: Vec<String>,
    /// `wpdiscuz_feedback_form_id` → the top-level comments that named it.
    forms: BTreeMap<i64, Vec<i64>>,
    waiting: Waiting<WpComment>,
    /// This post's comments stored so far, by old id: their replies find them without a query.
    known: HashMap<String, Placed>,
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
        let mode = match post.meta("_byline_comments_mode") {
            Some("hidden") => Some("hidden"),
            Some("closed") => Some("closed"),
            _ if post.meta("wpdiscuz_closed").is_some_and(|v| v.trim() == "1")
                || post.comment_status == "closed" =>
            {
                Some("closed")
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

/// A name, title or term as text: entities decoded, tags and control characters dropped,
/// whitespace collapsed, at most `max` characters.
fn one_line(s: &str, max: usize) -> String {
    let text = app::domain::passage::plain_text(s);
    text.chars().filter(|c| !c.is_control()).take(max).collect::<String>().trim().to_string()
}

fn email_of(s: &str) -> Option<String> {
    let e = s.trim();
    (e.len() <= 254 && e.contains('@') && !e.chars().any(|c| c.is_control() || c.is_whitespace()))
        .then(|| e.to_lowercase())
}

fn status_of(approved: &str) -> Option<&'static str> {
    match approved {
        "1" | "approve" => Some("approved"),
        "0" | "hold" => Some("pending"),
        "spam" => Some("spam"),
        _ => None,
    }
}

/// Why an insert wrote nothing: found from an earlier run, or erased here since.
async fn not_written(conn: &mut Conn, key: &str, report: &mut Report) -> Result<(), db::Error> {
    if store::forgotten(conn, key).await? {
        report.erased += 1;
    } else {
        report.comments_present += 1;
    }
    Ok(())
}

/// A stored comment by its key: from this run's memory, else the database (an earlier run).
async fn placed(
    conn: &mut Conn,
    known: &mut HashMap<String, Placed>,
    source: &str,
    old: &str,
) -> Result<Option<Placed>, db::Error> {
    if let Some(p) = known.get(old) {
        return Ok(Some(*p));
    }
    let found = store::comment_by_key(conn, &format!("import:{source}:{old}")).await?;
    if let Some(p) = found {
        remember(known, old, p);
    }
    Ok(found)
}

/// Memory for `placed`, bounded: past a million entries it starts again (the database answers).
fn remember(known: &mut HashMap<String, Placed>, old: &str, p: Placed) {
    if known.len() >= 1_000_000 {
        known.clear();
    }
    known.insert(old.to_string(), p);
}

async fn comment_in(
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
        "pending" => report.held += 1,
        "spam" => report.spam += 1,
        _ => {}
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
async fn post_end(
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

async fn thread_article(conn: &mut Conn, t: &super::disqus::DsqThread) -> Result<Option<i64>, db::Error> {
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
        ("deleted", String::new(), String::new())
    } else {
        let html = text::comment_body(&p.message);
        (if p.spam { "spam" } else { "approved" }, p.message.clone(), html)
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
        "spam" => report.spam += 1,
        "deleted" => report.deleted_kept += 1,
        _ => {}
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
