use super::*;
use std::collections::BTreeSet;

#[test]
fn a_debug_print_shows_no_secret() {
    let mut c = Config::for_tests(
        "postgres://byline:db-password@db.example/byline".into(),
        "127.0.0.1:3000".parse().unwrap(),
        PathBuf::from("content"),
    );
    c.secret = Some("the-site-key".into());
    c.mail.smtp_url = Some("smtp://mailer:smtp-password@mail.example:587".into());
    let printed = format!("{c:?}");
    for secret in ["db-password", "the-site-key", "smtp-password"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(printed.contains("db.example") && printed.contains("mail.example"), "{printed}");
}

/// The variables the README's settings table names (each row's first column; `A` / `B`
/// rows name several).
fn documented() -> BTreeSet<String> {
    let readme = include_str!("../../../README.md");
    let table = readme.split("| variable | default | meaning |").nth(1).expect("the README's settings table");
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .flat_map(|l| {
            l.split('|').nth(1).unwrap_or_default().split('/').map(str::to_string).collect::<Vec<_>>()
        })
        .filter_map(|c| c.trim().strip_prefix('`').and_then(|c| c.strip_suffix('`')).map(String::from))
        .collect()
}

/// Each variable, set to a value that is not its default, changes what its setting says;
/// the README documents exactly the variables read. A name misspelt on either side (the
/// code, the README) fails here.
#[test]
fn every_setting_is_read_from_its_documented_variable() {
    type Get = fn(&Config) -> String;
    let cases: &[(&str, &str, Get)] = &[
        ("DATABASE_URL", "sqlite:/tmp/elsewhere.db", |c| c.database_url.clone()),
        ("BYLINE_DB_WAIT_SECONDS", "7", |c| c.database_wait.as_secs().to_string()),
        ("LEPTOS_SITE_ADDR", "127.0.0.1:4321", |c| c.addr.to_string()),
        ("SITE_URL", "https://news.example", |c| c.base_url.clone()),
        ("CONTENT_DIR", "a:b", |c| format!("{:?}", c.content_dirs)),
        ("LEPTOS_SITE_ROOT", "/srv/site", |c| c.site_root.clone()),
        ("BYLINE_SECRET", "a site secret", |c| format!("{:?}", c.secret)),
        ("TRUST_PROXY", "2", |c| c.trust_proxy.to_string()),
        ("CONTACT_TO", "desk@news.example", |c| format!("{:?}", c.contact_to)),
        ("BYLINE_EDIT_WINDOW_SECONDS", "123", |c| c.limits.edit_window_seconds.to_string()),
        ("BYLINE_COMMENTS_PER_IP_PER_MINUTE", "7", |c| c.limits.comments_per_ip.to_string()),
        ("BYLINE_COMMENTS_PER_EMAIL_PER_HOUR", "31", |c| c.limits.comments_per_email.to_string()),
        ("BYLINE_VOTES_PER_IP_PER_MINUTE", "61", |c| c.limits.votes_per_ip.to_string()),
        ("BYLINE_MIN_FORM_SECONDS", "4", |c| c.limits.min_form_seconds.to_string()),
        ("BYLINE_DUPLICATE_WINDOW_SECONDS", "601", |c| c.limits.duplicate_window_seconds.to_string()),
        ("SMTP_URL", "smtp://mail.example:25", |c| format!("{:?}", c.mail.smtp_url)),
        ("MAIL_DIR", "/tmp/elsewhere-mail", |c| c.mail.dir.display().to_string()),
        ("MAIL_FROM", "Desk <desk@news.example>", |c| c.mail.from.clone()),
        ("BYLINE_MAIL_WORKER", "0", |c| c.mail.worker.to_string()),
        ("BYLINE_MAIL_POLL_MS", "1234", |c| c.mail.poll.as_millis().to_string()),
        ("BYLINE_MAIL_LEASE_MS", "2345", |c| c.mail.lease.as_millis().to_string()),
        ("BYLINE_MAIL_RETRY_MS", "3456", |c| c.mail.retry_base.as_millis().to_string()),
        ("BYLINE_SMTP_TIMEOUT_MS", "4567", |c| c.mail.smtp_timeout.as_millis().to_string()),
        ("BYLINE_SUBSCRIBE_PER_IP_PER_HOUR", "21", |c| c.limits.subscribe_per_ip.to_string()),
        ("BYLINE_SUBSCRIBE_PER_EMAIL_PER_HOUR", "7", |c| c.limits.subscribe_per_email.to_string()),
        ("BYLINE_MAIL_PER_ADDRESS_PER_DAY", "51", |c| c.limits.mail_per_address_per_day.to_string()),
        ("BYLINE_FORM_KEY_SECONDS", "86401", |c| c.limits.form_key_seconds.to_string()),
        ("BYLINE_ONE_VOTE_PER_ADDRESS", "0", |c| c.limits.one_vote_per_address.to_string()),
        ("BYLINE_CONTACT_PER_IP_PER_HOUR", "6", |c| c.limits.contact_per_ip.to_string()),
        ("BYLINE_LOGIN_FAILURES_PER_IP_PER_HOUR", "11", |c| c.limits.login_failures_per_ip.to_string()),
        ("BYLINE_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", "6", |c| {
            c.limits.login_failures_per_account.to_string()
        }),
        ("BYLINE_REPORTS_PER_IP_PER_HOUR", "21", |c| c.limits.reports_per_ip.to_string()),
        ("BYLINE_SSE_PER_IP", "9", |c| c.sse_per_ip.to_string()),
        ("BYLINE_SSE_TOTAL", "2001", |c| c.sse_total.to_string()),
        ("BYLINE_SEARCHES", "97", |c| c.searches.to_string()),
        ("BYLINE_PAGE_CACHE_MB", "65", |c| c.page_cache_bytes.to_string()),
        ("BYLINE_PAGE_CACHE_SECONDS", "61", |c| c.page_cache_seconds.to_string()),
        ("BYLINE_CHANGES_POLL_MS", "250", |c| format!("{:?}", c.changes_poll)),
        ("BYLINE_HEADER_TIMEOUT_SECONDS", "11", |c| c.connections.header_timeout.as_secs().to_string()),
        ("BYLINE_REQUEST_TIMEOUT_SECONDS", "31", |c| c.connections.request_timeout.as_secs().to_string()),
        ("BYLINE_CONNECTIONS_PER_ADDRESS", "100", |c| format!("{:?}", c.connections.per_address)),
        ("BYLINE_CONNECTIONS_TOTAL", "500", |c| format!("{:?}", c.connections.total)),
        ("BYLINE_CLOCK_FILE", "/tmp/elsewhere-clock", |c| format!("{:?}", c.clock)),
    ];
    let clear = || {
        for v in VARIABLES {
            std::env::remove_var(v);
        }
    };
    clear();
    let defaults = Config::from_env().expect("the defaults");
    for (name, value, get) in cases {
        clear();
        std::env::set_var(name, value);
        let c = Config::from_env().unwrap_or_else(|e| panic!("{name}={value}: {e}"));
        assert_ne!(get(&c), get(&defaults), "{name}={value} changed nothing: is it read under that name?");
    }
    clear();
    // and the README lists exactly these, plus what the binary and the scripts read
    let read: BTreeSet<String> =
        cases.iter().map(|(n, ..)| n.to_string()).chain(["RUST_LOG", "NO_COLOR"].map(String::from)).collect();
    let listed: BTreeSet<String> = VARIABLES.iter().map(|v| v.to_string()).collect();
    assert_eq!(read, listed, "VARIABLES and the cases here");
    let mut documented = documented();
    documented.remove("CARGO_TARGET_DIR");
    assert_eq!(documented, listed, "the README's table and the variables read");
    // a setting misspelt in the environment is named, not silently ignored
    let unknown = unknown_settings(
        ["BYLINE_PAGE_CACHE_SECOND", "BYLINE_PAGE_CACHE_SECONDS", "BYLINE_SERVER_BIN", "PATH"]
            .into_iter()
            .map(String::from),
    );
    assert_eq!(unknown, ["BYLINE_PAGE_CACHE_SECOND"]);
}
