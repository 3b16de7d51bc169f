//! `#[server]` functions, one file per concept. Each answers `ApiError`: a clean message and
//! the right status; the detail of an unexpected failure stays in the server log.
pub mod articles;
pub mod comments;
pub mod contact;
pub mod desk;
pub mod forms;
pub mod notify;
pub mod privacy;
pub mod reports;
pub mod stories;

pub use articles::{get_article, get_front_page, get_list, get_thread, search, ArticlePage, ThreadPage};
pub use comments::{post_comment, PostComment, PostedComment};
pub use contact::{send_contact_message, SendContactMessage};
pub use forms::get_form_state;
