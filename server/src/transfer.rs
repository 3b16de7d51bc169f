//! `server import …` and `server export …`: moving a site in from WordPress or Disqus, and out
//! to WordPress. The work is in `crate::content`; this is the command line around it:
//! the database the environment names, a progress bar on a terminal (log lines otherwise), the
//! report, and `--dry-run` (the import runs against a copy of the database, thrown away).
use crate::config::Config;
use crate::content::import::{self, Options, Report, Site};
use std::io::{BufReader, IsTerminal};
use std::path::{Path, PathBuf};

pub enum Source {
    WordPress { keep_pingbacks: bool, feedback_forms: Option<PathBuf> },
    Disqus,
}

type BoxError = Box<dyn std::error::Error>;

pub async fn import(config: &Config, source: Source, file: &Path, dry_run: bool) -> Result<(), BoxError> {
    let opened = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let size = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let input = BufReader::with_capacity(256 * 1024, opened);
    let pool = app::server::store::connect(&config.database_url, config.database_wait).await?;
    app::server::store::migrate(&pool).await?;
    let secret = match &config.secret {
        Some(s) => s.clone(),
        None => app::server::store::signing_key(&pool).await?,
    };
    // a dry run imports into a copy, so the report is exactly what the real run would say; the
    // copy (signing key, readers' emails…) lives in a private folder, removed on every path
    let copy_dir =
        if dry_run { Some(tempfile::Builder::new().prefix("byline-dry-run-").tempdir()?) } else { None };
    let copy = copy_dir.as_ref().map(|d| d.path().join("copy.db"));
    let (pool, original) = match &copy {
        Some(path) => {
            let url = format!("sqlite:{}", path.display());
            let copy_pool = match pool.backend() {
                db::Backend::Sqlite => {
                    app::server::store::copy_to(&pool, path).await?;
                    app::server::store::connect(&url, config.database_wait).await?
                }
                // PostgreSQL: the site copied into a private SQLite file, and the import tried there
                db::Backend::Postgres => {
                    let copy_pool = app::server::store::connect(&url, config.database_wait).await?;
                    app::server::store::migrate(&copy_pool).await?;
                    db::copy(&pool, &copy_pool, false, &mut |_, _| {}).await?;
                    copy_pool
                }
            };
            (copy_pool, Some(pool))
        }
        None => (pool, None),
    };
    let secret = app::server::reader_cookie::Secret::new(secret.into_bytes());
    let site = Site::new(&pool, &secret, config.clock.now()).await?;
    let mut bar = Progress::new(size, file);
    let started = std::time::Instant::now();
    let result = match source {
        Source::WordPress { keep_pingbacks, feedback_forms } => {
            let feedback_forms = match feedback_forms {
                Some(path) => {
                    let f = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                    Some(import::read_feedback_forms(f)?)
                }
                None => None,
            };
            let opts = Options { keep_pingbacks, feedback_forms };
            import::wordpress(&site, input, &opts, &mut |at| bar.at(at)).await
        }
        Source::Disqus => import::disqus(&site, input, &mut |at| bar.at(at)).await,
    };
    bar.done();
    if !dry_run {
        // whatever was committed, all of it or a part: the running servers drop their kept pages
        let told =
            app::server::changes::record_from_command(&pool, "import", app::server::changes::Change::Site);
        if let Err(e) = told.await {
            tracing::warn!(error = %e, "could not tell the running servers; their pages refresh within a minute");
        }
    }
    pool.close().await;
    if let Some(p) = original {
        p.close().await;
    }
    drop(copy_dir);
    let report: Report = result?;
    let took = started.elapsed();
    println!(
        "{}",
        if dry_run { "Dry run: nothing was written. The import would do this:" } else { "Imported." }
    );
    print!("{}", report.render());
    println!("Took {:.1} s.", took.as_secs_f64());
    if !dry_run && (report.comments > 0 || report.articles_new + report.articles_updated > 0) {
        println!("A running server shows the imported comments within its page-cache time (BYLINE_PAGE_CACHE_SECONDS, 60 s by default).");
    }
    Ok(())
}

/// `server db copy`: the whole site from one database to another (SQLite to PostgreSQL, or
/// back), each table's rows counted again before the target commits.
pub async fn copy_database(config: &Config, from: &str, to: &str, replace: bool) -> Result<(), BoxError> {
    if from == to {
        return Err("--from and --to name the same database".into());
    }
    // a mistyped source must not become an empty one (SQLite creates a missing file)
    if let Some(path) = from.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//").split('?').next().unwrap_or("");
        if !path.starts_with(':') && !Path::new(path).exists() {
            return Err(format!("--from: there is no database at {path}").into());
        }
    }
    let source =
        app::server::store::connect(from, config.database_wait).await.map_err(|e| format!("--from: {e}"))?;
    app::server::store::migrate(&source).await.map_err(|e| format!("--from: {e}"))?;
    let target =
        app::server::store::connect(to, config.database_wait).await.map_err(|e| format!("--to: {e}"))?;
    app::server::store::migrate(&target).await.map_err(|e| format!("--to: {e}"))?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let started = std::time::Instant::now();
    let mut last_table = String::new();
    let copied = db::copy(&source, &target, replace, &mut |table, rows| {
        if let Some(bar) = &bar {
            bar.set_message(format!("{table}: {rows} rows"));
        } else if table != last_table {
            tracing::info!(table, "copying");
            last_table = table.to_string();
        }
    })
    .await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let copied = copied?;
    // the servers on the target drop their kept pages and settings
    let told = app::server::changes::record_from_command(&target, "copy", app::server::changes::Change::Site);
    if let Err(e) = told.await {
        tracing::warn!(error = %e, "could not tell the servers on the target");
    }
    source.close().await;
    target.close().await;
    println!("Copied, and counted again in the target:");
    for c in &copied {
        println!("  {:<24} {:>10} rows", c.table, c.rows);
    }
    println!("Took {:.1} s.", started.elapsed().as_secs_f64());
    Ok(())
}

pub async fn export_wordpress(config: &Config) -> Result<(), BoxError> {
    let pool = app::server::store::connect(&config.database_url, config.database_wait).await?;
    app::server::store::migrate(&pool).await?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, stdout.lock());
    let done = crate::content::export::wordpress(&pool, &config.base_url, "Byline", &mut out).await?;
    drop(out);
    eprintln!("Exported {} articles and {} comments (WordPress WXR 1.2).", done.articles, done.comments);
    pool.close().await;
    Ok(())
}

/// A bar on a terminal; otherwise a log line at each tenth of the file.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    size: u64,
    next_line: u64,
}

impl Progress {
    fn new(size: u64, file: &Path) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(size);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_message(file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
            bar
        });
        if bar.is_none() {
            tracing::info!(file = %file.display(), bytes = size, "import started");
        }
        Progress { bar, size, next_line: size / 10 }
    }

    fn at(&mut self, bytes: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(bytes),
            None => {
                if self.size > 0 && bytes >= self.next_line && bytes < self.size {
                    tracing::info!("import: {}% of the file read", bytes * 100 / self.size);
                    self.next_line = bytes + self.size / 10;
                }
            }
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
