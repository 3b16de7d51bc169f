//! Plain types shared by the server and the browser, with their validation.
pub mod article;
pub mod author;
pub mod comment;
pub mod contact;
pub mod desk;
pub mod desk_views;
pub mod error;
pub mod form;
pub mod listing;
pub mod notify;
pub mod passage;
pub mod search;
pub mod site;
pub mod story;
pub mod text;
pub mod thread;
pub mod time;

pub use article::{Article, ArticleSummary};
pub use comment::{build_thread, CommentInput, CommentStatus, CommentView, ThreadNode, MAX_DEPTH};
pub use contact::ContactInput;
pub use error::{ApiError, FieldError};
pub use form::{CommentActionForm, CommentForm, ContactForm, FormEcho, FormState};
pub use passage::{FeedbackTarget, PassageRef, PassageView, RecentFeedback};
