pub mod comment_form;
pub mod feedback;
pub mod field;
pub mod layout;
pub mod live;
pub mod notify;
pub mod thread;
pub mod thread_ctx;
