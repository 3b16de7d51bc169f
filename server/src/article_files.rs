//! Articles from `content/*.md`: YAML front matter, then the Markdown body.
use app::domain::passage::FeedbackPassage;
use app::server::store::articles::NewArticle;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("{0}: no front matter (the file must start with a line `---`)")]
    NoFrontMatter(String),
    #[error("{file}: front matter: {source}")]
    FrontMatter { file: String, source: serde_yaml::Error },
    #[error("{0}: {1}")]
    Invalid(String, &'static str),
    #[error("reading {0}: {1}")]
    Io(String, std::io::Error),
}

#[derive(Debug, Deserialize)]
struct FrontMatter {
    title: String,
    slug: String,
    section: String,
    #[serde(default)]
    tags: Vec<String>,
    standfirst: String,
    /// Optional publication date (`2026-11-27` or RFC 3339); the import time otherwise.
    #[serde(default)]
    date: Option<String>,
    /// Served at its URL but left off the front page and the sitemap.
    #[serde(default)]
    unlisted: bool,
    /// Passages readers are asked about ("Inline Feedbacks").
    #[serde(default)]
    feedback: Vec<FeedbackPassage>,
}

/// Parses one content file. `now` dates articles whose front matter has no `date`.
pub fn parse_article(file: &str, source: &str, now: i64) -> Result<NewArticle, ContentError> {
    let rest = source
        .strip_prefix("---")
        .and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
        .ok_or_else(|| ContentError::NoFrontMatter(file.into()))?;
    let end = rest.find("\n---").ok_or_else(|| ContentError::NoFrontMatter(file.into()))?;
    let (yaml, body) = (&rest[..end], &rest[end + 4..]);
    let body = body.trim_start_matches(['\r', '\n']).trim_end();
    let fm: FrontMatter = serde_yaml::from_str(yaml)
        .map_err(|source| ContentError::FrontMatter { file: file.into(), source })?;
    if fm.slug.is_empty()
        || !fm.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(ContentError::Invalid(file.into(), "slug must be lowercase letters, digits and -"));
    }
    if fm.title.trim().is_empty() {
        return Err(ContentError::Invalid(file.into(), "title is empty"));
    }
    let published_at = match fm.date.as_deref() {
        None => now,
        Some(d) => parse_date(d).ok_or(ContentError::Invalid(file.into(), "date is not YYYY-MM-DD"))?,
    };
    Ok(NewArticle {
        slug: fm.slug,
        title: fm.title.trim().to_string(),
        standfirst: fm.standfirst.trim().to_string(),
        section: fm.section.trim().to_string(),
        tags: fm.tags,
        body_markdown: body.to_string(),
        body_html: app::server::text_to_html::article_html(body),
        published_at,
        listed: !fm.unlisted,
        feedback: fm.feedback,
    })
}

fn parse_date(d: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(d, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let date = time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

/// Reads every `*.md` in `dir`, sorted by file name: one result per file, so a file that
/// cannot be read or parsed is reported on its own while the others are imported. A panic while
/// parsing one file (a bug in the text code) is caught and reported as that file's error.
pub fn read_dir(dir: &Path, now: i64) -> Result<Vec<Result<NewArticle, ContentError>>, ContentError> {
    let io = |e| ContentError::Io(dir.display().to_string(), e);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    Ok(files
        .iter()
        .map(|p| {
            let name = p.display().to_string();
            let src = std::fs::read_to_string(p).map_err(|e| ContentError::Io(name.clone(), e))?;
            std::panic::catch_unwind(|| parse_article(&name, &src, now)).unwrap_or_else(|_| {
                Err(ContentError::Invalid(
                    name.clone(),
                    "the text could not be read (a bug: please report it)",
                ))
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../content/china-ratifies-extradition-treaty-with-turkey.md");

    #[test]
    fn parses_the_seed_article() {
        let a = parse_article("seed.md", SEED, 42).unwrap();
        assert_eq!(a.slug, "china-ratifies-extradition-treaty-with-turkey");
        assert!(a.title.starts_with("China ratifies extradition treaty"));
        assert_eq!(a.section, "World");
        assert_eq!(a.tags, vec!["China", "Turkey", "Uighurs", "Extradition"]);
        assert!(a.standfirst.contains("Beijing wants the treaty"));
        assert_eq!(a.published_at, 42);
        assert_eq!(a.body_html.matches("<p>").count(), 9);
        assert!(a.body_html.contains("economic pressure on Turkey"));
        assert_eq!(a.feedback.len(), 1);
        assert_eq!(a.feedback[0].question, "Do these grounds for refusal protect refugees enough?");
        let text = app::domain::passage::plain_text(&a.body_html);
        assert!(text.contains(&a.feedback[0].passage), "the passage is in the rendered text");
    }

    #[test]
    fn a_bad_file_is_reported_alone_and_the_others_are_read() {
        let dir = std::env::temp_dir().join(format!("byline-content-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.md"), "no front matter").unwrap();
        std::fs::write(dir.join("b.md"), "---\ntitle: R&D’s “plan”\nslug: b\nsection: S\nstandfirst: s\n---\nR&D’s “plan”, AT&T’s “view”, Q&A —\n").unwrap();
        let read = read_dir(&dir, 0).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(read.len(), 2);
        assert!(matches!(read[0], Err(ContentError::NoFrontMatter(_))));
        assert_eq!(read[1].as_ref().unwrap().slug, "b");
    }

    #[test]
    fn refuses_files_without_front_matter_or_with_bad_slugs() {
        assert!(matches!(parse_article("x.md", "# hi", 0), Err(ContentError::NoFrontMatter(_))));
        let bad = "---\ntitle: T\nslug: Bad Slug\nsection: S\nstandfirst: s\n---\nbody";
        assert!(matches!(parse_article("x.md", bad, 0), Err(ContentError::Invalid(..))));
        let dated = "---\ntitle: T\nslug: t\nsection: S\nstandfirst: s\ndate: 2020-12-28\n---\nbody";
        assert_eq!(parse_article("x.md", dated, 0).unwrap().published_at, 1_609_113_600);
    }
}
