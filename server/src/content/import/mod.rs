//! Importing another system's articles and comments: WordPress + wpDiscuz (WXR) and Disqus.
//!
//! Faithful and repeatable. Every comment is stored under the key `import:<source>:<old id>`
//! and every post is mapped (`import_map`), so a second run finds what the first made and
//! changes nothing, and an interrupted run can be started again and completes. Nobody is
//! notified: these comments were news years ago. Comments are sanitised with our own rules;
//! addresses are kept only as our salted hash.
//!
//! Here: what both formats share (options, the report, the batched writer, replies waiting for
//! their parent). `wordpress` reads a WXR file's posts, `wp_comments` their comments and
//! wpDiscuz's feedback, `disqus` a Disqus export.
use super::disqus::{DisqusReader, DsqItem, DsqPost};
use super::text;
use super::wxr::{WpComment, WpPost, WxrItem, WxrReader};
use app::domain::article::CommentsMode;
use app::domain::CommentStatus;
use app::server::reader_cookie::Secret;
use app::server::store::articles::{self, Imported, NewArticle};
use app::server::store::imports::{self as store, ImportedComment, Placed};
use app::server::store::Pool;
use db::Conn;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;
use std::time::{Duration, Instant};

mod disqus;
mod wordpress;
mod wp_comments;
pub use disqus::disqus;
pub use wordpress::wordpress;

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

fn status_of(approved: &str) -> Option<CommentStatus> {
    match approved {
        "1" | "approve" => Some(CommentStatus::Approved),
        "0" | "hold" => Some(CommentStatus::Pending),
        "spam" => Some(CommentStatus::Spam),
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
