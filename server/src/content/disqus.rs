//! Reading a Disqus export (the documented `<disqus>` format) as a stream: categories, then
//! threads (one per page that had comments, named by its URL), then posts (comments), each
//! naming its thread and its parent by `dsq:id`.
use super::xml::{Field, Node, XmlError, XmlIn};
use std::io::BufRead;

#[derive(Debug, Default, Clone)]
pub struct DsqThread {
    pub dsq_id: String,
    /// The site's own identifier for the page (WordPress: `123 https://site/?p=123`).
    pub ident: String,
    pub link: String,
    pub title: String,
    pub created_at: String,
    pub closed: bool,
    pub deleted: bool,
}

#[derive(Debug, Default, Clone)]
pub struct DsqPost {
    pub dsq_id: String,
    pub message: String,
    pub message_cut: bool,
    pub created_at: String,
    pub deleted: bool,
    pub spam: bool,
    pub author_name: String,
    pub author_email: String,
    pub author_username: String,
    pub ip: String,
    pub thread: String,
    pub parent: Option<String>,
}

pub enum DsqItem {
    Forum(String),
    Thread(DsqThread),
    Post(Box<DsqPost>),
}

#[derive(Debug, thiserror::Error)]
pub enum DsqError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("this is not a Disqus export (no <disqus> root)")]
    NotDisqus,
}

pub struct DisqusReader<R: BufRead> {
    xml: XmlIn<R>,
    path: Vec<String>,
    field: Field,
    thread: Option<DsqThread>,
    post: Option<DsqPost>,
    forum_sent: bool,
    pending: Option<DsqItem>,
}

fn dsq_id(attrs: &[(String, String)]) -> Option<String> {
    attrs.iter().find(|(k, _)| k == "dsq:id" || k.ends_with(":id")).map(|(_, v)| v.trim().to_string())
}

fn yes(s: &str) -> bool {
    s.trim().eq_ignore_ascii_case("true") || s.trim() == "1"
}

impl<R: BufRead> DisqusReader<R> {
    pub fn new(input: R) -> Self {
        DisqusReader {
            xml: XmlIn::new(input),
            path: Vec::new(),
            field: Field::default(),
            thread: None,
            post: None,
            forum_sent: false,
            pending: None,
        }
    }

    pub fn replaced(&self) -> u64 {
        self.xml.replaced
    }

    pub fn position(&self) -> u64 {
        self.xml.position()
    }

    pub fn next_item(&mut self) -> Result<Option<DsqItem>, DsqError> {
        loop {
            if let Some(item) = self.pending.take() {
                return Ok(Some(item));
            }
            match self.xml.next_node()? {
                Node::End => {
                    return if self.path.is_empty() && !self.forum_sent {
                        Err(DsqError::NotDisqus)
                    } else {
                        Ok(None)
                    }
                }
                Node::Text(t) => self.field.push(&t),
                Node::Open(name, attrs) => {
                    self.field.take();
                    let depth = self.path.len();
                    if depth == 0 {
                        if name != "disqus" {
                            return Err(DsqError::NotDisqus);
                        }
                        self.forum_sent = true;
                    }
                    match (depth, name.as_str()) {
                        (1, "thread") => {
                            self.thread = Some(DsqThread {
                                dsq_id: dsq_id(&attrs).unwrap_or_default(),
                                ..Default::default()
                            })
                        }
                        (1, "post") => {
                            self.post = Some(DsqPost {
                                dsq_id: dsq_id(&attrs).unwrap_or_default(),
                                ..Default::default()
                            })
                        }
                        (2, "thread") => {
                            if let Some(p) = &mut self.post {
                                p.thread = dsq_id(&attrs).unwrap_or_default();
                            }
                        }
                        (2, "parent") => {
                            if let Some(p) = &mut self.post {
                                p.parent = dsq_id(&attrs).filter(|s| !s.is_empty());
                            }
                        }
                        _ => {}
                    }
                    self.path.push(name);
                }
                Node::Close(name) => {
                    let (text, cut) = self.field.take();
                    self.path.pop();
                    let depth = self.path.len();
                    let parent = self.path.last().map(String::as_str).unwrap_or("");
                    match (depth, parent, name.as_str()) {
                        (1, _, "category") => {}
                        (1, _, "thread") => {
                            if let Some(t) = self.thread.take() {
                                self.pending = Some(DsqItem::Thread(t));
                            }
                        }
                        (1, _, "post") => {
                            if let Some(p) = self.post.take() {
                                self.pending = Some(DsqItem::Post(Box::new(p)));
                            }
                        }
                        (2, "category", "forum") => {}
                        (2, "thread", field) => {
                            if let Some(t) = &mut self.thread {
                                match field {
                                    "link" => t.link = text.trim().to_string(),
                                    "id" => t.ident = text.trim().to_string(),
                                    "title" => t.title = text.trim().to_string(),
                                    "createdAt" => t.created_at = text.trim().to_string(),
                                    "isClosed" => t.closed = yes(&text),
                                    "isDeleted" => t.deleted = yes(&text),
                                    "forum" if !text.trim().is_empty() => {
                                        self.pending = Some(DsqItem::Forum(text.trim().to_string()))
                                    }
                                    _ => {}
                                }
                            }
                        }
                        (2, "post", field) => {
                            if let Some(p) = &mut self.post {
                                match field {
                                    "message" => {
                                        p.message = text;
                                        p.message_cut = cut;
                                    }
                                    "createdAt" => p.created_at = text.trim().to_string(),
                                    "isDeleted" => p.deleted = yes(&text),
                                    "isSpam" => p.spam = yes(&text),
                                    "ipAddress" => p.ip = text.trim().to_string(),
                                    _ => {}
                                }
                            }
                        }
                        (3, "author", field) if self.path.get(1).is_some_and(|p| p == "post") => {
                            if let Some(p) = &mut self.post {
                                match field {
                                    "name" => p.author_name = text.trim().to_string(),
                                    "email" => p.author_email = text.trim().to_string(),
                                    "username" => p.author_username = text.trim().to_string(),
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}
