use clap::{Parser, Subcommand};

// mimalloc (opt-in): more pages per second than glibc's malloc, but more memory kept with a full
// page cache (BENCHMARKS.md, issue 13)
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use server::config::Config;
use tracing_subscriber::EnvFilter;

/// Byline: a news site with a first-class comment section.
#[derive(Parser)]
#[command(name = "server", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default). Settings come from the environment (see the README).
    Serve,
    /// Bring articles and comments in from WordPress (+ wpDiscuz) or Disqus. Safe to run again:
    /// what an earlier run imported is found and left as it is.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Write the site out in another system's format, to standard output.
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
    /// The database itself: `server db copy` moves a whole site between SQLite and PostgreSQL.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Manage staff accounts for the moderation desk (/desk).
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum ImportSource {
    /// A WordPress export (Tools → Export → All content): published posts become articles, their
    /// comments keep threads, votes, Inline Feedback and moderation state; old links redirect.
    Wordpress {
        /// The WXR file WordPress wrote.
        file: std::path::PathBuf,
        /// Read everything and print the report without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// Import trackbacks and pingbacks too (skipped by default).
        #[arg(long)]
        keep_pingbacks: bool,
        /// wpDiscuz's wc_feedback_forms table as CSV (columns id, unique_id, …): matches feedback
        /// to its passage exactly; without it they are matched in order.
        #[arg(long, value_name = "CSV")]
        feedback_forms: Option<std::path::PathBuf>,
    },
    /// A Disqus export (Admin → Moderation → Export): threads are matched to articles by URL.
    Disqus {
        /// The XML file Disqus mailed.
        file: std::path::PathBuf,
        /// Read everything and print the report without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Copy every article, comment, vote, subscription, account and setting from one database to
    /// another, e.g. `server db copy --from sqlite:data/byline.db --to postgres://byline@db/byline`.
    /// Stop the servers first. The counts are checked before the target commits; nothing is
    /// written on failure.
    Copy {
        /// The database the site is in now (`sqlite:PATH` or `postgres://…`).
        #[arg(long)]
        from: String,
        /// The database it moves to; refused if it already holds a site, unless `--replace`.
        #[arg(long)]
        to: String,
        /// Empty the target first (everything in it is lost).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum ExportFormat {
    /// WordPress WXR 1.2 with wpDiscuz meta (votes, feedback, closed), e.g. `server export wordpress > site.xml`.
    Wordpress,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff account. The password is read from standard input (asked for without
    /// echo on a terminal); there is no default password.
    Create {
        /// The address they sign in with.
        #[arg(long)]
        email: String,
        /// Their name, shown in the desk and the audit log.
        #[arg(long)]
        name: String,
        /// admin: everything; editor: moderation and the Contact Us inbox; moderator: moderation.
        #[arg(long, default_value = "admin", value_parser = ["admin", "editor", "moderator"])]
        role: String,
    },
    /// Set a new password for an account (read like `create`); signs it out everywhere.
    Password {
        #[arg(long)]
        email: String,
    },
    /// List the staff accounts.
    List,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        // standard output is for what a command produces (`server export wordpress > site.xml`)
        .with_writer(std::io::stderr)
        .with_ansi(log_colour())
        .init();
    let result = match cli.command {
        None | Some(Command::Serve) => run().await,
        Some(Command::Admin { command }) => admin(command).await,
        Some(Command::Import { source }) => import(source).await,
        Some(Command::Db { command: DbCommand::Copy { from, to, replace } }) => match Config::from_env() {
            Ok(config) => server::transfer::copy_database(&config, &from, &to, replace).await,
            Err(e) => Err(e.into()),
        },
        Some(Command::Export { format: ExportFormat::Wordpress }) => match Config::from_env() {
            Ok(config) => server::transfer::export_wordpress(&config).await,
            Err(e) => Err(e.into()),
        },
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("byline: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Colour in the log only for a person at a terminal: written to a file or a pipe
/// (`scripts/serve > log`, a service manager's journal) it is plain text; `NO_COLOR` (any
/// value but empty, no-color.org) turns it off at a terminal too.
fn log_colour() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // listen for the stop signals before anything else, so a SIGTERM that arrives while the
    // server starts is a graceful stop too, never the default (immediate) death
    let stop = stop_signals()?;
    let config = Config::from_env()?;
    // each connection is an open file: a soft limit of 1,024 (a common default) would be
    // reached long before BYLINE_CONNECTIONS_TOTAL
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::info!(open_files = n, "open-files limit"),
        Err(e) => tracing::warn!(error = %e, "the open-files limit could not be raised"),
    }
    let state = server::prepare(&config).await?;
    let pool = state.pool.clone();
    let streams = state.streams.clone();
    let app = server::router(state, &config);
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!("Byline is serving http://{}", listener.local_addr()?);
    let (stopping_tx, mut stopping) = tokio::sync::watch::channel(false);
    let signal = async move {
        stop.await;
        tracing::info!("stopping: open live streams are ended, requests under way finish");
        // live streams never end on their own: end them, or the graceful shutdown waits forever
        streams.close_all();
        let _ = stopping_tx.send(true);
    };
    let serve = server::serve::serve(listener, app, config.connections.clone(), signal);
    tokio::pin!(serve);
    // once asked to stop, whatever is still open after 5 seconds is cut off
    let deadline = async {
        let _ = stopping.wait_for(|s| *s).await;
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    };
    tokio::select! {
        () = &mut serve => {}
        _ = deadline => tracing::warn!("stopping: connections still open after 5 s were cut off"),
    }
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn import(source: ImportSource) -> Result<(), Box<dyn std::error::Error>> {
    use server::transfer::Source;
    let config = Config::from_env()?;
    let (source, file, dry_run) = match source {
        ImportSource::Wordpress { file, dry_run, keep_pingbacks, feedback_forms } => {
            (Source::WordPress { keep_pingbacks, feedback_forms }, file, dry_run)
        }
        ImportSource::Disqus { file, dry_run } => (Source::Disqus, file, dry_run),
    };
    server::transfer::import(&config, source, &file, dry_run).await
}

/// `server admin …`: staff accounts, on the database the environment names.
async fn admin(command: AdminCommand) -> Result<(), Box<dyn std::error::Error>> {
    use app::server::store::desk::staff as store;
    let config = Config::from_env()?;
    let pool = app::server::store::connect(&config.database_url, config.database_wait).await?;
    app::server::store::migrate(&pool).await?;
    let now = config.clock.now();
    // what the command line does to accounts is in the audit log like the desk's changes
    let who = app::server::store::desk::Actor { id: 0, name: "Command line (server admin)".into() };
    match command {
        AdminCommand::Create { email, name, role } => {
            let email = app::domain::text::Email::parse(&email).map_err(|m| format!("--email: {m}"))?;
            let name =
                app::domain::text::required_line(&name, "name", 80).map_err(|m| format!("--name: {m}"))?;
            let role =
                app::domain::desk::Role::parse(&role).ok_or("--role: admin, editor, writer or moderator")?;
            let hash = read_password()?;
            match store::create(&pool, email.as_str(), &name, role, &hash, &who, now).await {
                Ok(id) => println!(
                    "Created {} account #{id} for {name} <{}>. Sign in at /desk/signin.",
                    role.as_str(),
                    email.as_str()
                ),
                Err(store::CreateError::Exists) => {
                    return Err(format!("an account for {} exists already", email.as_str()).into())
                }
                Err(store::CreateError::Store(e)) => return Err(e.into()),
            }
        }
        AdminCommand::Password { email } => {
            let (account, _) =
                store::for_sign_in(&pool, &email).await?.ok_or("no account with that email")?;
            let hash = read_password()?;
            store::set_password(&pool, account.id, &hash, &who, now).await?;
            println!("New password set for {}; their sessions were ended.", account.email);
        }
        AdminCommand::List => {
            for s in store::all(&pool).await? {
                let state = if s.disabled { " (disabled)" } else { "" };
                println!("#{}\t{}\t{}\t{}{state}", s.id, s.role.as_str(), s.email, s.name);
            }
        }
    }
    pool.close().await;
    Ok(())
}

/// A new password from standard input: asked twice without echo on a terminal, else one line.
fn read_password() -> Result<String, Box<dyn std::error::Error>> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ")?;
        let again = rpassword::prompt_password("The same password again: ")?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    app::server::staff::check_new_password(&password).map_err(|m| format!("password: {m}"))?;
    Ok(app::server::staff::hash_password(&password)?)
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT). The handlers are installed when this is called.
#[cfg(unix)]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    })
}

#[cfg(not(unix))]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
