//! Fills an article's thread with generated comments, for benchmarks and for looking at a
//! busy thread: `seed_comments <article-slug> <count>` against `DATABASE_URL`.
//! About a third are replies (up to the depth limit); some carry votes.
use app::server::store::comments::{insert, NewComment};
use std::process::ExitCode;

const WORDS: &[&str] = &[
    "treaty",
    "asylum",
    "Ankara",
    "Beijing",
    "parliament",
    "refugees",
    "diaspora",
    "ratify",
    "court",
    "extradition",
    "rights",
    "citizens",
    "pressure",
    "economic",
    "political",
    "crime",
    "reasons",
    "the",
    "a",
    "of",
    "and",
    "to",
    "is",
    "that",
    "will",
    "not",
    "be",
    "this",
    "for",
    "with",
];

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(slug), Some(Ok(count))) = (args.get(1), args.get(2).map(|n| n.parse::<usize>())) else {
        eprintln!("usage: seed_comments <article-slug> <count>   (DATABASE_URL picks the database)");
        return ExitCode::from(2);
    };
    match run(slug, count).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("seed_comments: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(slug: &str, count: usize) -> Result<(), Box<dyn std::error::Error>> {
    // the same start-up as the server: migrations and the content import
    let config = server::config::Config::from_env()?;
    let pool = server::prepare(&config).await?.pool.clone();
    let article = app::server::store::articles::by_slug(&pool, slug)
        .await?
        .ok_or("no such article (start the server once to import it)")?;
    // a small deterministic generator: the same seed gives the same thread
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ count as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let start = app::server::store::now() - count as i64 * 60;
    let mut ids: Vec<i64> = Vec::with_capacity(count);
    for i in 0..count {
        let words = 8 + (next() % 40) as usize;
        let body: String =
            (0..words).map(|_| WORDS[(next() % WORDS.len() as u64) as usize]).collect::<Vec<_>>().join(" ");
        let body = format!("{body}. (#{i})");
        let parent = (!ids.is_empty() && next() % 3 == 0).then(|| ids[(next() % ids.len() as u64) as usize]);
        let name = format!("Reader {}", next() % 500);
        let html = app::server::text_to_html::comment_html(&body);
        let key = format!("seed-{i}-{}", next());
        let new = NewComment {
            article_id: article.id,
            parent_id: parent,
            author_name: &name,
            author_email: None,
            body: &body,
            body_html: &html,
            submission_key: &key,
            reader_id: "seed",
            ip_hash: "seed",
            created_at: start + i as i64 * 60,
            passage: None,
            article_html: &article.body_html,
            held_for: None,
        };
        match insert(&pool, &new).await.map_err(|e| format!("{e:?}"))? {
            app::server::store::comments::Inserted::New(id)
            | app::server::store::comments::Inserted::Repeat(id) => ids.push(id),
        }
        if next() % 5 == 0 {
            let votes = 1 + next() % 6;
            for v in 0..votes {
                let dir = if next() % 4 == 0 { -1 } else { 1 };
                let reader = format!("seed-voter-{v}");
                let voter = app::server::store::comments::Voter {
                    reader_id: &reader,
                    ip_hash: &reader,
                    one_per_address: false,
                };
                app::server::store::comments::toggle_vote(
                    &pool,
                    *ids.last().unwrap_or(&0),
                    voter,
                    dir,
                    start,
                )
                .await
                .map_err(|e| format!("{e:?}"))?;
            }
        }
    }
    println!("seeded {count} comments on {slug}");
    Ok(())
}
