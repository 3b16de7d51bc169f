//! Reading a WordPress export (WXR 1.0–1.2) as a stream: the site, then each post followed by
//! its comments. A post is handed over as soon as its first comment starts (WordPress writes
//! the post's fields, terms and meta before its comments), so memory holds one post and one
//! comment at a time, whatever the file's size.
use super::xml::{Field, Node, XmlError, XmlIn};
use std::collections::VecDeque;
use std::io::BufRead;

#[derive(Debug, Default, Clone)]
pub struct WpPost {
    pub id: i64,
    pub title: String,
    pub link: String,
    pub slug: String,
    pub post_type: String,
    pub status: String,
    /// WordPress marks a password-protected post "publish": only this tells it is not public.
    pub password: String,
    pub date: String,
    pub date_gmt: String,
    pub content: String,
    pub content_cut: bool,
    pub excerpt: String,
    pub comment_status: String,
    /// (domain, nicename, name): `category` and `post_tag` terms.
    pub terms: Vec<(String, String, String)>,
    pub meta: Vec<(String, String)>,
}

impl WpPost {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default, Clone)]
pub struct WpComment {
    pub id: i64,
    pub author: String,
    pub email: String,
    pub url: String,
    pub ip: String,
    pub date: String,
    pub date_gmt: String,
    pub content: String,
    /// The text was longer than the reader keeps.
    pub content_cut: bool,
    pub approved: String,
    pub comment_type: String,
    pub parent: i64,
    pub meta: Vec<(String, String)>,
}

impl WpComment {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

pub enum WxrItem {
    /// The channel's `wp:base_site_url` (or `link`), read before the first post.
    Site(String),
    Post(Box<WpPost>),
    Comment(Box<WpComment>),
    /// The post's comments are all read.
    PostEnd,
}

pub struct WxrReader<R: BufRead> {
    xml: XmlIn<R>,
    path: Vec<String>,
    field: Field,
    post: Option<WpPost>,
    post_sent: bool,
    comment: Option<WpComment>,
    meta_key: String,
    meta_value: String,
    term: Option<(String, String)>,
    site: Option<String>,
    site_sent: bool,
    saw_rss: bool,
    queue: VecDeque<WxrItem>,
}

#[derive(Debug, thiserror::Error)]
pub enum WxrError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("this is not a WordPress export (no <rss> with <channel>)")]
    NotWxr,
}

fn kept_meta(key: &str) -> bool {
    key.starts_with("wpdiscuz_") || key == "_byline_comments_mode"
}

fn int(s: &str) -> i64 {
    s.trim().parse().unwrap_or(0)
}

impl<R: BufRead> WxrReader<R> {
    pub fn new(input: R) -> Self {
        WxrReader {
            xml: XmlIn::new(input),
            path: Vec::new(),
            field: Field::default(),
            post: None,
            post_sent: false,
            comment: None,
            meta_key: String::new(),
            meta_value: String::new(),
            term: None,
            site: None,
            site_sent: false,
            saw_rss: false,
            queue: VecDeque::new(),
        }
    }

    /// Bytes that were not UTF-8 (replaced by U+FFFD) so far.
    pub fn replaced(&self) -> u64 {
        self.xml.replaced
    }

    pub fn position(&self) -> u64 {
        self.xml.position()
    }

    fn parent(&self) -> &str {
        self.path.len().checked_sub(2).map(|i| self.path[i].as_str()).unwrap_or("")
    }

    pub fn next_item(&mut self) -> Result<Option<WxrItem>, WxrError> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Ok(Some(item));
            }
            match self.xml.next_node()? {
                Node::End => {
                    if !self.saw_rss {
                        return Err(WxrError::NotWxr);
                    }
                    return Ok(None);
                }
                Node::Text(t) => self.field.push(&t),
                Node::Open(name, attrs) => {
                    if self.path.is_empty() {
                        if name != "rss" {
                            return Err(WxrError::NotWxr);
                        }
                        self.saw_rss = true;
                    }
                    self.field.take();
                    match name.as_str() {
                        "item" => {
                            self.post = Some(WpPost::default());
                            self.post_sent = false;
                            if !self.site_sent {
                                self.site_sent = true;
                                self.queue.push_back(WxrItem::Site(self.site.clone().unwrap_or_default()));
                            }
                        }
                        "wp:comment" if self.post.is_some() => {
                            self.send_post();
                            self.comment = Some(WpComment::default());
                        }
                        "category" if self.post.is_some() => {
                            let get = |k: &str| {
                                attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
                            };
                            self.term = Some((get("domain"), get("nicename")));
                        }
                        "wp:postmeta" | "wp:commentmeta" => {
                            self.meta_key.clear();
                            self.meta_value.clear();
                        }
                        _ => {}
                    }
                    self.path.push(name);
                }
                Node::Close(name) => {
                    let (text, cut) = self.field.take();
                    let parent = self.parent().to_string();
                    self.path.pop();
                    self.close(&name, &parent, text, cut);
                }
            }
        }
    }

    fn send_post(&mut self) {
        if !self.post_sent {
            if let Some(p) = &self.post {
                self.post_sent = true;
                self.queue.push_back(WxrItem::Post(Box::new(p.clone())));
            }
        }
    }

    fn close(&mut self, name: &str, parent: &str, text: String, cut: bool) {
        match (parent, name) {
            ("channel", "wp:base_site_url") => self.site = Some(text.trim().to_string()),
            ("channel", "link") if self.site.is_none() => self.site = Some(text.trim().to_string()),
            ("wp:postmeta" | "wp:commentmeta", "wp:meta_key") => self.meta_key = text,
            ("wp:postmeta" | "wp:commentmeta", "wp:meta_value") => self.meta_value = text,
            // only the meta the import reads (page builders keep megabytes in post meta)
            ("item", "wp:postmeta") if kept_meta(&self.meta_key) => {
                if let Some(p) = &mut self.post {
                    p.meta.push((std::mem::take(&mut self.meta_key), std::mem::take(&mut self.meta_value)));
                }
            }
            ("wp:comment", "wp:commentmeta") if kept_meta(&self.meta_key) => {
                if let Some(c) = &mut self.comment {
                    c.meta.push((std::mem::take(&mut self.meta_key), std::mem::take(&mut self.meta_value)));
                }
            }
            ("item", "wp:comment") => {
                if let Some(c) = self.comment.take() {
                    self.queue.push_back(WxrItem::Comment(Box::new(c)));
                }
            }
            ("channel", "item") => {
                self.send_post();
                self.post = None;
                self.queue.push_back(WxrItem::PostEnd);
            }
            ("wp:comment", field) => {
                if let Some(c) = &mut self.comment {
                    match field {
                        "wp:comment_id" => c.id = int(&text),
                        "wp:comment_author" => c.author = text,
                        "wp:comment_author_email" => c.email = text,
                        "wp:comment_author_url" => c.url = text,
                        "wp:comment_author_IP" => c.ip = text,
                        "wp:comment_date" => c.date = text,
                        "wp:comment_date_gmt" => c.date_gmt = text,
                        "wp:comment_content" => {
                            c.content = text;
                            c.content_cut = cut;
                        }
                        "wp:comment_approved" => c.approved = text.trim().to_string(),
                        "wp:comment_type" => c.comment_type = text.trim().to_string(),
                        "wp:comment_parent" => c.parent = int(&text),
                        _ => {}
                    }
                }
            }
            ("item", field) => {
                if let Some(p) = &mut self.post {
                    match field {
                        "title" => p.title = text,
                        "link" => p.link = text.trim().to_string(),
                        "content:encoded" => {
                            p.content = text;
                            p.content_cut = cut;
                        }
                        "excerpt:encoded" => p.excerpt = text,
                        "wp:post_id" => p.id = int(&text),
                        "wp:post_name" => p.slug = text.trim().to_string(),
                        "wp:post_type" => p.post_type = text.trim().to_string(),
                        "wp:status" => p.status = text.trim().to_string(),
                        "wp:post_password" => p.password = text,
                        "wp:post_date" => p.date = text,
                        "wp:post_date_gmt" => p.date_gmt = text,
                        "wp:comment_status" => p.comment_status = text.trim().to_string(),
                        "category" => {
                            if let Some((domain, nicename)) = self.term.take() {
                                p.terms.push((domain, nicename, text.trim().to_string()));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}
