//! `server export wordpress`: the whole site as a WordPress export (WXR 1.2) that WordPress's
//! importer reads, with wpDiscuz's meta (votes, feedback, closed threads) — so a site can leave.
use crate::feeds::rfc822;
use app::domain::article::CommentsMode;
use app::domain::passage::{highlight, Mark};
use app::domain::CommentStatus;
use app::server::store::imports::{self as store, ExportArticle, ExportComment, ExportPassage};
use app::server::store::Pool;
use std::io::Write;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("database: {0}")]
    Store(#[from] app::server::store::StoreError),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
}

/// What was written.
#[derive(Debug, Default)]
pub struct Exported {
    pub articles: u64,
    pub comments: u64,
}

fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", app::domain::text::xml_chars(s).replace("]]>", "]]]]><![CDATA[>"))
}

fn esc(s: &str) -> String {
    app::domain::text::escape_html(&app::domain::text::xml_chars(s))
}

fn wp_date(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")).ok()
        })
        .unwrap_or_else(|| "0000-00-00 00:00:00".into())
}

fn nicename(s: &str) -> String {
    super::text::slug(s, "", 0)
}

/// The body with each editor passage wrapped in wpDiscuz's shortcode again.
pub fn body_with_shortcodes(body_html: &str, passages: &[ExportPassage]) -> String {
    if passages.is_empty() {
        return body_html.to_string();
    }
    let marks: Vec<Mark> = passages
        .iter()
        .map(|p| Mark {
            id: p.id,
            start: p.start,
            end: p.end,
            after_html: format!("<byline-end-{}></byline-end-{0}>", p.id),
        })
        .collect();
    let mut html: String = highlight(body_html, &marks).into_iter().map(|b| b.html).collect();
    for p in passages {
        let key = p.key.clone().unwrap_or_else(|| format!("byline-{}", p.id));
        let open = format!(
            "[wpdiscuz-feedback id=\"{}\" question=\"{}\" opened=\"0\"]",
            key.replace('"', ""),
            // a `]` would end the shortcode
            esc(&p.question).replace('"', "&quot;").replace('[', "&#91;").replace(']', "&#93;")
        );
        html = html.replacen(
            &format!("<mark class=\"passage\" id=\"passage-{0}\" data-passage=\"{0}\">", p.id),
            &open,
            1,
        );
        html = html.replace(&format!("<mark class=\"passage\" data-passage=\"{}\">", p.id), "");
        html = html.replace(&format!("<byline-end-{0}></byline-end-{0}>", p.id), "[/wpdiscuz-feedback]");
    }
    html.replace("</mark>", "")
}

/// Writes the export to `out`, article by article (one article's comments in memory at a time).
pub async fn wordpress(
    pool: &Pool,
    base_url: &str,
    site_name: &str,
    out: &mut dyn Write,
) -> Result<Exported, ExportError> {
    let base = base_url.trim_end_matches('/');
    let articles = store::export_articles(pool).await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>")?;
    writeln!(out, "<!-- generator=\"Byline\" created=\"{}\" -->", wp_date(now))?;
    writeln!(
        out,
        "<rss version=\"2.0\"\n\txmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n\txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n\txmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n\txmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n\txmlns:wp=\"http://wordpress.org/export/1.2/\"\n>\n<channel>"
    )?;
    writeln!(
        out,
        "\t<title>{}</title>\n\t<link>{}</link>\n\t<description></description>",
        esc(site_name),
        esc(base)
    )?;
    writeln!(out, "\t<pubDate>{}</pubDate>\n\t<language>en-US</language>", rfc822(now))?;
    writeln!(out, "\t<wp:wxr_version>1.2</wp:wxr_version>")?;
    writeln!(
        out,
        "\t<wp:base_site_url>{0}</wp:base_site_url>\n\t<wp:base_blog_url>{0}</wp:base_blog_url>",
        esc(base)
    )?;
    writeln!(
        out,
        "\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login>{0}</wp:author_login><wp:author_email></wp:author_email><wp:author_display_name>{0}</wp:author_display_name></wp:author>",
        cdata("newsroom")
    )?;
    let mut done = Exported::default();
    for a in &articles {
        let passages = store::export_passages(pool, a.id).await?;
        let comments = store::export_comments(pool, a.id).await?;
        item(out, base, a, &passages, &comments)?;
        done.articles += 1;
        done.comments +=
            comments.iter().filter(|c| c.status != CommentStatus::Deleted || c.trashed).count() as u64;
    }
    writeln!(out, "</channel>\n</rss>")?;
    out.flush()?;
    Ok(done)
}

fn item(
    out: &mut dyn Write,
    base: &str,
    a: &ExportArticle,
    passages: &[ExportPassage],
    comments: &[ExportComment],
) -> std::io::Result<()> {
    let link = format!("{base}{}", app::domain::article::article_path(&a.slug));
    writeln!(out, "\t<item>")?;
    writeln!(out, "\t\t<title>{}</title>", cdata(&a.title))?;
    writeln!(out, "\t\t<link>{}</link>\n\t\t<pubDate>{}</pubDate>", esc(&link), rfc822(a.published_at))?;
    writeln!(out, "\t\t<dc:creator>{}</dc:creator>", cdata("newsroom"))?;
    writeln!(out, "\t\t<guid isPermaLink=\"false\">{}</guid>\n\t\t<description></description>", esc(&link))?;
    writeln!(
        out,
        "\t\t<content:encoded>{}</content:encoded>",
        cdata(&body_with_shortcodes(&a.body_html, passages))
    )?;
    writeln!(out, "\t\t<excerpt:encoded>{}</excerpt:encoded>", cdata(&a.standfirst))?;
    writeln!(out, "\t\t<wp:post_id>{}</wp:post_id>", a.id)?;
    let date = wp_date(a.published_at);
    writeln!(
        out,
        "\t\t<wp:post_date>{0}</wp:post_date>\n\t\t<wp:post_date_gmt>{0}</wp:post_date_gmt>",
        cdata(&date)
    )?;
    let open = if a.comments_mode == CommentsMode::Open { "open" } else { "closed" };
    // hidden comments are Byline's: WordPress has no such state (closed there; read back here)
    writeln!(
        out,
        "\t\t<wp:comment_status>{}</wp:comment_status>\n\t\t<wp:ping_status>{}</wp:ping_status>",
        cdata(open),
        cdata("closed")
    )?;
    writeln!(out, "\t\t<wp:post_name>{}</wp:post_name>", cdata(&a.slug))?;
    writeln!(out, "\t\t<wp:status>{}</wp:status>\n\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>", cdata(&a.wp_status))?;
    writeln!(out, "\t\t<wp:post_type>{}</wp:post_type>\n\t\t<wp:post_password>{}</wp:post_password>\n\t\t<wp:is_sticky>0</wp:is_sticky>", cdata("post"), cdata(""))?;
    writeln!(
        out,
        "\t\t<category domain=\"category\" nicename=\"{}\">{}</category>",
        esc(&nicename(&a.section)),
        cdata(&a.section)
    )?;
    for t in &a.tags {
        writeln!(
            out,
            "\t\t<category domain=\"post_tag\" nicename=\"{}\">{}</category>",
            esc(&nicename(t)),
            cdata(t)
        )?;
    }
    let meta = |out: &mut dyn Write, tag: &str, k: &str, v: &str| {
        writeln!(out, "\t\t<wp:{tag}>\n\t\t\t<wp:meta_key>{}</wp:meta_key>\n\t\t\t<wp:meta_value>{}</wp:meta_value>\n\t\t</wp:{tag}>", cdata(k), cdata(v))
    };
    meta(out, "postmeta", "wpdiscuz_closed", if a.comments_mode == CommentsMode::Open { "0" } else { "1" })?;
    meta(out, "postmeta", "_byline_comments_mode", a.comments_mode.as_str())?;
    // a feedback names its passage by its place among the post's shortcodes (1, 2, …): read back
    // in order, it finds the same passage
    let rank = |passage: i64| passages.iter().position(|p| p.id == passage).map(|i| i + 1);
    for c in comments {
        let approved = match (c.status, c.trashed) {
            (CommentStatus::Approved, _) => "1",
            (CommentStatus::Pending, _) => "0",
            (CommentStatus::Spam, _) => "spam",
            (CommentStatus::Deleted, true) => "trash",
            // deleted by its author or erased: nothing of it is left to export
            _ => continue,
        };
        let date = wp_date(c.created_at);
        writeln!(out, "\t\t<wp:comment>")?;
        writeln!(out, "\t\t\t<wp:comment_id>{}</wp:comment_id>", c.id)?;
        writeln!(out, "\t\t\t<wp:comment_author>{}</wp:comment_author>", cdata(&c.author_name))?;
        writeln!(
            out,
            "\t\t\t<wp:comment_author_email>{}</wp:comment_author_email>",
            cdata(c.author_email.as_deref().unwrap_or(""))
        )?;
        writeln!(
            out,
            "\t\t\t<wp:comment_author_url>{}</wp:comment_author_url>",
            esc(c.author_url.as_deref().unwrap_or(""))
        )?;
        // addresses are kept only as a salted hash here: none to give back
        writeln!(out, "\t\t\t<wp:comment_author_IP>{}</wp:comment_author_IP>", cdata(""))?;
        writeln!(out, "\t\t\t<wp:comment_date>{0}</wp:comment_date>\n\t\t\t<wp:comment_date_gmt>{0}</wp:comment_date_gmt>", cdata(&date))?;
        writeln!(out, "\t\t\t<wp:comment_content>{}</wp:comment_content>", cdata(&c.body_html))?;
        writeln!(out, "\t\t\t<wp:comment_approved>{}</wp:comment_approved>", cdata(approved))?;
        writeln!(out, "\t\t\t<wp:comment_type>{}</wp:comment_type>", cdata("comment"))?;
        writeln!(out, "\t\t\t<wp:comment_parent>{}</wp:comment_parent>\n\t\t\t<wp:comment_user_id>0</wp:comment_user_id>", c.parent_id.unwrap_or(0))?;
        if c.up != 0 || c.down != 0 {
            let sep = format!("a:2:{{s:4:\"like\";i:{};s:7:\"dislike\";i:{};}}", c.up, c.down);
            meta(out, "commentmeta", "wpdiscuz_votes_seperate", &sep)?;
            meta(out, "commentmeta", "wpdiscuz_votes", &(c.up - c.down).to_string())?;
        }
        if let Some(n) = c.passage_id.and_then(rank) {
            meta(out, "commentmeta", "wpdiscuz_feedback_form_id", &n.to_string())?;
        }
        writeln!(out, "\t\t</wp:comment>")?;
    }
    writeln!(out, "\t</item>")?;
    Ok(())
}
